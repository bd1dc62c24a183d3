import { Duration, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { TestFunction } from './test-function';
import { TestSuiteSpec } from '../../contract/test-settings';
import { justifyWildcards } from '../../nag/acknowledgements';
import { EnvironmentAccessSpec } from '../../contract/access-settings';
import { grantAssumeAccessRole } from '../access/assume-access-role';
import { SCALABLE_TARGETS_REASON, scalingPermissions } from '../deploy/release-permissions';
import { createHandlerFunction, sharedHandlersOf } from '../shared/handler-function';

/** Props of the integration-test handler. */
export interface IntegrationTestHandlerProps {
  /** The pipeline's name, for descriptions. */
  readonly pipelineName: string;
  /** How long the handler's logs are kept. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * The one Lambda per pipeline that runs each environment's tests (sends its
 * requests, or starts and watches its CodeBuild suite) and rolls the
 * environment back when they fail, with permissions limited to the
 * environments, parameters and projects added to it.
 */
export class IntegrationTestHandler extends Construct {
  /** The function CodePipeline invokes. */
  public readonly function: lambda.IFunction;
  /** Where the handler's permissions go: its function's role, or the pipeline's role a shared function assumes. */
  public readonly role: iam.IRole;
  /** User parameters every test action adds (a shared function's role). */
  public readonly actionParameters: { [name: string]: string };
  private scalingRoleGranted = false;

  constructor(scope: Construct, id: string, props: IntegrationTestHandlerProps) {
    super(scope, id);
    const handler = createHandlerFunction(this, {
      roleDescription: `Runs the integration tests of ${props.pipelineName}`,
      functionDescription: 'Tests a SageMaker endpoint for a CodePipeline test action, rolling it back on failure',
      // One call runs every request (each bounded by InvokeEndpoint's 60 s), or one build or rollback step.
      timeout: Duration.minutes(5),
      logRetention: props.logRetention,
      createFunction: (inScope, functionId, options) => new TestFunction(inScope, functionId, options),
      shared: sharedHandlersOf(this)?.test,
      pipelineName: props.pipelineName,
    });
    this.function = handler.function;
    this.role = handler.role;
    this.actionParameters = handler.actionParameters;
    justifyWildcards(this, [
      {
        finding: /^Resource::\*$/,
        reason: 'codepipeline:PutJobSuccessResult/PutJobFailureResult and Application Auto Scaling (targets have generated IDs; '
          + 'limited by condition to SageMaker variant instance counts) support no usable resource-level permissions',
      },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the function\'s own log group' },
      { finding: /^Resource::arn:.*:sagemaker:.*:endpoint-config\/[a-z0-9-]+-\*$/, reason: 'A rollback returns the endpoint to an earlier release config, named <environment prefix>-<release id>; only that prefix is reachable' },
      { finding: /^Resource::arn:.*:cloudwatch:.*:alarm:TargetTracking-endpoint\/[A-Za-z0-9-]+\/\*$/, reason: 'Target tracking names its alarms after the scaled variant with a generated suffix' },
      { finding: /^Resource::arn:<AWS::Partition>:application-autoscaling:([a-z0-9-]+|<AWS::Region>):([0-9]+|<AWS::AccountId>):scalable-target\/\*$/, reason: SCALABLE_TARGETS_REASON },
    ]);
    if (!handler.shared) {
      // CodePipeline's job result actions have no resource-level permissions: AWS requires '*'.
      // (A shared function reports with its own role.)
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
        resources: ['*'],
      }));
    }
  }

  /**
   * Allows the handler to describe exactly that environment's endpoint and to
   * update it onto one of its release configs, and, for an autoscaled
   * variant, to take it out of scaling and put it back.
   */
  public addEnvironment(endpointName: string, releasePrefix: string, autoScaled: boolean, access?: EnvironmentAccessSpec): void {
    if (access) {
      // Elsewhere, the environment's access role does all of this (and invokes the endpoint).
      grantAssumeAccessRole(this.role, access);
      return;
    }
    const endpoint = this.sagemakerArn('endpoint', endpointName);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeEndpoint'],
      resources: [endpoint],
    }));
    // UpdateEndpoint is authorized on both the endpoint and the config it moves to.
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:UpdateEndpoint'],
      resources: [endpoint, this.sagemakerArn('endpoint-config', `${releasePrefix}-*`)],
    }));
    if (autoScaled) {
      this.grantScaling(endpointName, releasePrefix);
    }
  }

  /**
   * Stores an environment's requests in an SSM parameter of its own and
   * allows the handler to read it and to invoke exactly that environment's endpoint.
   * @returns the parameter, whose name goes in the action's UserParameters
   */
  public addRequests(environmentName: string, endpointName: string, spec: TestSuiteSpec, access?: EnvironmentAccessSpec): ssm.StringParameter {
    const parameter = new ssm.StringParameter(this, `Requests-${environmentName}`, {
      description: `The integration test requests of environment ${environmentName} (endpoint ${endpointName})`,
      stringValue: JSON.stringify(spec),
    });
    parameter.grantRead(this.role);
    if (access) {
      return parameter;
    }
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:InvokeEndpoint'],
      resources: [this.sagemakerArn('endpoint', endpointName)],
    }));
    return parameter;
  }

  /** Allows the handler to start builds of exactly this project and to follow them. */
  public addBuild(project: codebuild.IProject): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['codebuild:StartBuild', 'codebuild:BatchGetBuilds'],
      resources: [project.projectArn],
    }));
  }

  private sagemakerArn(resource: string, resourceName: string): string {
    // SageMaker writes resource names in lower case in its ARNs.
    return Stack.of(this).formatArn({ service: 'sagemaker', resource, resourceName: resourceName.toLowerCase() });
  }

  /** What deregistering and registering an endpoint variant for target tracking needs (the deploy handler's own). */
  private grantScaling(endpointName: string, releasePrefix: string): void {
    const serviceLinkedRole = !this.scalingRoleGranted;
    this.scalingRoleGranted = true;
    for (const statement of scalingPermissions(this, { endpointName, releasePrefix }, { serviceLinkedRole })) {
      this.role.addToPrincipalPolicy(statement);
    }
  }
}
