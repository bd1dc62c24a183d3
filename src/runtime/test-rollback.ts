import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { DescribeEndpointCommand, DescribeEndpointCommandOutput, SageMakerClient, UpdateEndpointCommand } from '@aws-sdk/client-sagemaker';
import { errorMessage, errorName, isEndpointBusy, isTransient } from './aws-errors';
import { ActionOutcome, encodeContinuation } from './codepipeline-job';
import { enableScaling, ScaledVariant, suspendScaling } from './endpoint-scaling';
import { TestJobParameters } from '../contract/test-settings';

/** A rollback in flight, carried in the continuation token with the failures it will report. */
export interface RollbackState {
  readonly phase: 'rolling-back';
  readonly failures: string;
  readonly previous: string;
  readonly updateIssued: boolean;
}

/** The clients a rollback uses. */
export interface RollbackClients {
  readonly sagemaker: SageMakerClient;
  readonly autoscaling: ApplicationAutoScalingClient;
}

/** Endpoint states that end by themselves: wait, never sleep. */
const CHANGING = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

function scaledVariant(params: TestJobParameters): ScaledVariant | undefined {
  return params.scaling && { endpointName: params.endpointName, ...params.scaling };
}

function reasonSuffix(endpoint: DescribeEndpointCommandOutput): string {
  return endpoint.FailureReason ? `: ${endpoint.FailureReason}` : '';
}

/**
 * One step of returning the endpoint to the config that served before the
 * release; never waits. An autoscaled variant is taken out of scaling for
 * the update (SageMaker refuses to move a scaled variant to another instance
 * type), keeps the instance count scaling gave it, and is registered again
 * however the rollback ends, as long as the endpoint serves.
 */
export async function rollBack(params: TestJobParameters, state: RollbackState, clients: RollbackClients): Promise<ActionOutcome> {
  const failedTests = `Tests of ${params.environment} failed: ${state.failures}`;
  const variant = scaledVariant(params);
  const wait = (message: string, next: RollbackState = state): ActionOutcome => ({ kind: 'in-progress', message, continuationToken: encodeContinuation(next) });
  const fail = (why: string): ActionOutcome => ({ kind: 'failed', message: `${failedTests}. ${why}` });
  const cannotRollBack = (err: unknown) => fail(`Could not roll back to ${state.previous}: ${errorName(err)}: ${errorMessage(err)}`);

  /** Ends the rollback with the endpoint serving: its scaling is put back first. */
  const end = async (why: string): Promise<ActionOutcome> => {
    if (!variant?.autoScaling) {
      return fail(why);
    }
    try {
      await enableScaling(variant, clients.autoscaling);
    } catch (err) {
      if (isTransient(err)) {
        return wait(`Restoring autoscaling of endpoint ${params.endpointName} after the rollback (transient ${errorName(err)}); will try again`);
      }
      return fail(`${why}; its autoscaling could not be restored: ${errorName(err)}: ${errorMessage(err)}`);
    }
    const { minInstances, maxInstances } = variant.autoScaling;
    return fail(`${why}; autoscaling restored (${minInstances}-${maxInstances} instances)`);
  };

  let endpoint: DescribeEndpointCommandOutput;
  try {
    endpoint = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: params.endpointName }));
  } catch (err) {
    if (isTransient(err)) return wait(`Transient ${errorName(err)}; will try again`);
    return cannotRollBack(err);
  }
  const status = endpoint.EndpointStatus ?? 'unknown';
  if (CHANGING.has(status)) {
    return wait(state.updateIssued
      ? `Rolling endpoint ${params.endpointName} back to ${state.previous} (${status})`
      : `Tests failed; waiting for endpoint ${params.endpointName} (${status}) before rolling back to ${state.previous}`);
  }
  if (status !== 'InService') {
    return fail(`Could not roll back to ${state.previous}: endpoint ${params.endpointName} is ${status}${reasonSuffix(endpoint)}`);
  }
  if (endpoint.EndpointConfigName === state.previous) {
    return end(`Rolled back to ${state.previous} (endpoint ${params.endpointName})`);
  }
  if (state.updateIssued) {
    // SageMaker ended the update on another config: it rolled the rollback back.
    return end(`Rollback to ${state.previous} did not complete; endpoint ${params.endpointName} serves ${endpoint.EndpointConfigName}${reasonSuffix(endpoint)}`);
  }

  if (variant) {
    try {
      await suspendScaling(variant, clients.autoscaling);
    } catch (err) {
      if (isTransient(err)) return wait(`Taking endpoint ${params.endpointName} out of autoscaling before the rollback (transient ${errorName(err)}); will try again`);
      return cannotRollBack(err);
    }
  }
  try {
    await clients.sagemaker.send(new UpdateEndpointCommand({
      EndpointName: params.endpointName,
      EndpointConfigName: state.previous,
      // The earlier config holds the instance count of its own release; a
      // scaled variant keeps the count it has now. Data capture is the config's.
      ...(variant ? { RetainAllVariantProperties: true, ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DataCaptureConfig' as const }] } : {}),
    }));
  } catch (err) {
    if (isEndpointBusy(err) || isTransient(err)) {
      // Scaling stays off until the update is issued: the next call tries again.
      return wait(`Endpoint ${params.endpointName} is busy (${errorName(err)}); will roll back to ${state.previous} when it settles`);
    }
    return end(`Could not roll back to ${state.previous}: ${errorName(err)}: ${errorMessage(err)}`);
  }
  return wait(`Tests failed; rolling endpoint ${params.endpointName} back from ${endpoint.EndpointConfigName} to ${state.previous}`, { ...state, updateIssued: true });
}
