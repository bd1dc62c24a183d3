import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { isNotFound } from './aws-errors';
import type { EnvironmentDeploySpec } from '../pipeline/deploy/deploy-spec';

/**
 * Target-tracking autoscaling of an endpoint's variant. The deploy handler
 * owns it because the handler, not CloudFormation, creates the endpoint, and
 * because SageMaker refuses to update an autoscaled variant onto a new
 * instance type: the handler takes the variant out of scaling for the update
 * and puts it back afterwards.
 */

const SCALABLE_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';

function resourceId(spec: EnvironmentDeploySpec): string {
  return `endpoint/${spec.endpointName}/variant/${spec.variantName}`;
}

/** The name of the environment's one scaling policy; putting it again updates it. */
export function scalingPolicyName(spec: EnvironmentDeploySpec): string {
  return `${spec.endpointName}-invocations`;
}

/** Registers the variant with its bounds and puts its target-tracking policy. Idempotent. */
export async function enableScaling(spec: EnvironmentDeploySpec, client: ApplicationAutoScalingClient): Promise<void> {
  const scaling = spec.autoScaling;
  if (!scaling) {
    return;
  }
  await client.send(new RegisterScalableTargetCommand({
    ServiceNamespace: 'sagemaker',
    ResourceId: resourceId(spec),
    ScalableDimension: SCALABLE_DIMENSION,
    MinCapacity: scaling.minInstances,
    MaxCapacity: scaling.maxInstances,
  }));
  await client.send(new PutScalingPolicyCommand({
    PolicyName: scalingPolicyName(spec),
    ServiceNamespace: 'sagemaker',
    ResourceId: resourceId(spec),
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

/** Takes the variant out of scaling (its policies go with it). A variant not registered counts as done. */
export async function suspendScaling(spec: EnvironmentDeploySpec, client: ApplicationAutoScalingClient): Promise<void> {
  if (!spec.autoScaling) {
    return;
  }
  try {
    await client.send(new DeregisterScalableTargetCommand({
      ServiceNamespace: 'sagemaker',
      ResourceId: resourceId(spec),
      ScalableDimension: SCALABLE_DIMENSION,
    }));
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
  }
}
