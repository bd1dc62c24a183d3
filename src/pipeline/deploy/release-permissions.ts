import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EnvironmentDeploySpec, ModelPackageGroupSpec } from '../../contract/deploy-settings';
import { SCALING_TAG } from '../../contract/scaling-tag';

/** Where an environment's endpoint runs, when not in the stack's own account and region. */
export interface ReleaseLocation {
  /** @default - the stack's account */
  readonly account?: string;
  /** @default - the stack's region */
  readonly region?: string;
  /** Include the statement that lets Application Auto Scaling create its service-linked role (once per principal). */
  readonly serviceLinkedRole?: boolean;
}

/**
 * What releasing to one environment takes: its release models and configs
 * (by prefix), its endpoint, its scaling registration, its rollback alarms
 * and passing its SageMaker role, and nothing else. The deploy handler gets
 * these for an environment in its own account; an `MlopsEnvironmentAccess`
 * role gets them for an environment anywhere else.
 */
export function releasePermissions(scope: Construct, spec: EnvironmentDeploySpec, location: ReleaseLocation = {}): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const { account, region } = location;
  // SageMaker writes names in lower case in its ARNs.
  const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', account, region, resource, resourceName: resourceName.toLowerCase() });
  const releases = `${spec.releasePrefix}-*`;
  const statements = [
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateModel', 'sagemaker:DeleteModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
      resources: [arn('model', releases)],
    }),
  ];
  if (spec.modelPackageGroup) {
    statements.push(describeGroupPackages(scope, spec.modelPackageGroup));
  }
  if (spec.batch) {
    // A batch release: its transform job has the release's name. No endpoint to touch.
    statements.push(new iam.PolicyStatement({
      actions: ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:AddTags'],
      resources: [arn('transform-job', releases)],
    }));
    // Listing cannot be scoped to resources; old release models are picked by prefix in the handler.
    statements.push(new iam.PolicyStatement({ actions: ['sagemaker:ListModels'], resources: ['*'] }));
    statements.push(passRole(spec.executionRoleArn));
    return statements;
  }
  statements.push(
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateEndpointConfig', 'sagemaker:DeleteEndpointConfig', 'sagemaker:DescribeEndpointConfig', 'sagemaker:AddTags'],
      resources: [arn('endpoint-config', releases)],
    }),
    new iam.PolicyStatement({
      actions: ['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint', 'sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:AddTags'],
      resources: [arn('endpoint', spec.endpointName), arn('endpoint-config', releases)],
    }),
  );
  if (spec.autoScaling) {
    statements.push(...scalingPermissions(scope, spec, location));
  }
  if (spec.deployment) {
    // SageMaker checks that the caller can read the rollback alarms it names.
    statements.push(new iam.PolicyStatement({
      actions: ['cloudwatch:DescribeAlarms'],
      resources: spec.deployment.rollbackAlarms.map((alarmName) => stack.formatArn({
        service: 'cloudwatch', account, region, resource: 'alarm', resourceName: alarmName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })),
    }));
  }
  statements.push(passRole(spec.executionRoleArn));
  return statements;
}

/**
 * Reading the versions of the group a registry pipeline releases from: the
 * deploy handler checks that the package it is asked to release is an
 * Approved version of it before creating the model from it, and the
 * release-request handler before requesting a release. The group may be
 * in another account (its resource policy must then allow this too).
 */
export function describeGroupPackages(scope: Construct, group: ModelPackageGroupSpec): iam.PolicyStatement {
  // SageMaker writes the group's name in lower case in its packages' ARNs. A
  // name known only at deploy time cannot be lower-cased here (lower-casing a
  // token's placeholder breaks it): it is taken from the group's ARN, which
  // already has it in lower case (ModelPackageGroup refuses a deploy-time name).
  const name = Token.isUnresolved(group.name) ? group.name : group.name.toLowerCase();
  return new iam.PolicyStatement({
    actions: ['sagemaker:DescribeModelPackage'],
    resources: [Stack.of(scope).formatArn({
      service: 'sagemaker', account: group.account, region: group.region, resource: 'model-package', resourceName: `${name}/*`,
    })],
  });
}

/** Passing one SageMaker role, to SageMaker only. */
export function passRole(roleArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  });
}

/** Why the scaling grants name every scalable target's ARN, for the cdk-nag acknowledgements. */
export const SCALABLE_TARGETS_REASON = 'Application Auto Scaling gives scalable targets IDs it generates on registration, so no ARN names an '
  + 'environment\'s target beforehand; only targets tagged with the environment\'s endpoint (aws:ResourceTag) may be deregistered or given a policy';

/** The endpoint whose variant scales, and the prefix of the release configs it serves. */
export interface ScaledEndpoint {
  readonly endpointName: string;
  readonly releasePrefix: string;
}

/**
 * What taking an endpoint variant out of target tracking and registering it
 * again needs: the deploy handler around an update, the test handler around a rollback.
 */
export function scalingPermissions(scope: Construct, variant: ScaledEndpoint, location: ReleaseLocation = {}): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const { account, region } = location;
  const endpointName = variant.endpointName;
  const variants = {
    'application-autoscaling:service-namespace': 'sagemaker',
    'application-autoscaling:scalable-dimension': 'sagemaker:variant:DesiredInstanceCount',
  };
  const statements = [
    // Application Auto Scaling names scalable targets with IDs it generates on
    // registration, so no ARN names this environment's target beforehand: it
    // may be registered only with its endpoint's tag (tagging on registration
    // is authorized as TagResource too)...
    new iam.PolicyStatement({
      actions: ['application-autoscaling:RegisterScalableTarget'],
      resources: ['*'],
      conditions: { StringEquals: { ...variants, [`aws:RequestTag/${SCALING_TAG}`]: endpointName } },
    }),
    new iam.PolicyStatement({
      actions: ['application-autoscaling:TagResource'],
      resources: [stack.formatArn({ service: 'application-autoscaling', account, region, resource: 'scalable-target', resourceName: '*' })],
      conditions: { StringEquals: { [`aws:RequestTag/${SCALING_TAG}`]: endpointName } },
    }),
    // ...and only the targets that carry it may be deregistered or given a policy.
    new iam.PolicyStatement({
      actions: ['application-autoscaling:DeregisterScalableTarget', 'application-autoscaling:PutScalingPolicy'],
      resources: [stack.formatArn({ service: 'application-autoscaling', account, region, resource: 'scalable-target', resourceName: '*' })],
      conditions: { StringEquals: { ...variants, [`aws:ResourceTag/${SCALING_TAG}`]: endpointName } },
    }),
    // Whether the target is registered, before deregistering it: one that is not has no tag to match.
    // DescribeScalableTargets has no resource-level permissions: AWS requires '*'.
    new iam.PolicyStatement({ actions: ['application-autoscaling:DescribeScalableTargets'], resources: ['*'] }),
    // Application Auto Scaling validates, on RegisterScalableTarget and
    // PutScalingPolicy, that the caller itself may read and resize the variant
    // (its guide's "Permissions validation for API calls on target resources"):
    // the endpoint, and the release configs it serves.
    new iam.PolicyStatement({
      actions: ['sagemaker:UpdateEndpointWeightsAndCapacities', 'sagemaker:DescribeEndpoint'],
      resources: [stack.formatArn({ service: 'sagemaker', account, region, resource: 'endpoint', resourceName: endpointName.toLowerCase() })],
    }),
    new iam.PolicyStatement({
      actions: ['sagemaker:DescribeEndpointConfig'],
      resources: [stack.formatArn({ service: 'sagemaker', account, region, resource: 'endpoint-config', resourceName: `${variant.releasePrefix.toLowerCase()}-*` })],
    }),
    // Target tracking creates and removes its own alarms, named after the scaled resource.
    new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms', 'cloudwatch:DeleteAlarms'],
      resources: [stack.formatArn({
        service: 'cloudwatch', account, region, resource: 'alarm', resourceName: `TargetTracking-endpoint/${endpointName}/*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
    }),
  ];
  if (location.serviceLinkedRole) {
    // RegisterScalableTarget creates Application Auto Scaling's role for SageMaker on first use in an account.
    statements.push(new iam.PolicyStatement({
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [stack.formatArn({
        service: 'iam',
        account,
        region: '',
        resource: 'role',
        resourceName: 'aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint',
      })],
      conditions: { StringLike: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
    }));
  }
  return statements;
}
