import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { isNotFound } from './aws-errors';
import type { EnvironmentDeploySpec } from '../contract/deploy-settings';
import { SCALING_TAG } from '../contract/scaling-tag';

/**
 * Target-tracking autoscaling of an endpoint's variant. The handlers own it
 * because they, not CloudFormation, create and update the endpoint, and
 * because SageMaker refuses to update an autoscaled variant onto a new
 * instance type: a release, and a test stage's rollback, take the variant out
 * of scaling for the update and put it back afterwards.
 */

const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

/** Bounds and target of a variant's target tracking on invocations per instance. */
export type VariantAutoScaling = NonNullable<EnvironmentDeploySpec['autoScaling']>;

/**
 * The variant whose scaling is managed. An environment's deploy spec is one;
 * so is what a test job knows of its environment.
 */
export interface ScaledVariant {
  readonly endpointName: string;
  readonly variantName: string;
  /** Unset for a variant that does not scale: every function here then does nothing. */
  readonly autoScaling?: VariantAutoScaling;
}

function resourceId(variant: ScaledVariant): string {
  return `endpoint/${variant.endpointName}/variant/${variant.variantName}`;
}

/** The name of the environment's one scaling policy; putting it again updates it. */
export function scalingPolicyName(variant: ScaledVariant): string {
  return `${variant.endpointName}-invocations`;
}

/**
 * Registers the variant with its bounds and puts its target-tracking policy.
 * Idempotent. Registering leaves the variant's current instance count alone
 * when it is within the bounds, so scaling carries on from where it was. The
 * target is tagged with its endpoint: the handlers' roles may change only
 * targets tagged so.
 */
export async function enableScaling(variant: ScaledVariant, client: ApplicationAutoScalingClient): Promise<void> {
  const scaling = variant.autoScaling;
  if (!scaling) {
    return;
  }
  await client.send(new RegisterScalableTargetCommand({
    ServiceNamespace: 'sagemaker',
    ResourceId: resourceId(variant),
    ScalableDimension: SCALABLE_DIMENSION,
    MinCapacity: scaling.minInstances,
    MaxCapacity: scaling.maxInstances,
    Tags: { [SCALING_TAG]: variant.endpointName },
  }));
  await client.send(new PutScalingPolicyCommand({
    PolicyName: scalingPolicyName(variant),
    ServiceNamespace: 'sagemaker',
    ResourceId: resourceId(variant),
    ScalableDimension: SCALABLE_DIMENSION,
    PolicyType: 'TargetTrackingScaling',
    TargetTrackingScalingPolicyConfiguration: {
      TargetValue: scaling.targetInvocationsPerInstance,
      PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
      ScaleInCooldown: scaling.scaleInCooldownSeconds,
      ScaleOutCooldown: scaling.scaleOutCooldownSeconds,
    },
  }));
}

/**
 * Takes the variant out of scaling (its policies go with it). A variant not
 * registered counts as done, and is not asked about: the handlers' roles may
 * deregister only targets tagged with their endpoint, and a target that does
 * not exist has no tag, so IAM would refuse the call (AccessDenied) before
 * Application Auto Scaling could answer that there is nothing to deregister.
 * That is the case after a crash between deregistering and reporting, and
 * for the first release after autoscaling is turned on.
 */
export async function suspendScaling(variant: ScaledVariant, client: ApplicationAutoScalingClient): Promise<void> {
  if (!variant.autoScaling || !(await isRegistered(variant, client))) {
    return;
  }
  try {
    await client.send(new DeregisterScalableTargetCommand({
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId(variant),
      ScalableDimension: SCALABLE_DIMENSION,
    }));
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
  }
}

async function isRegistered(variant: ScaledVariant, client: ApplicationAutoScalingClient): Promise<boolean> {
  const found = await client.send(new DescribeScalableTargetsCommand({
    ServiceNamespace: 'sagemaker',
    ResourceIds: [resourceId(variant)],
    ScalableDimension: SCALABLE_DIMENSION,
  }));
  return (found.ScalableTargets ?? []).length > 0;
}
