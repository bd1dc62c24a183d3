import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateEndpointConfigCommandInput,
  DeploymentConfig,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommandOutput,
  ListEndpointConfigsCommand,
  ProductionVariant,
  ProductionVariantInstanceType,
  TrafficRoutingConfigType,
  UpdateEndpointCommand,
} from '@aws-sdk/client-sagemaker';
import { errorMessage, errorName, isEndpointBusy, isNameTaken, isNotFound, isTransient } from './aws-errors';
import { enableScaling, suspendScaling } from './endpoint-scaling';
import { ReleaseClients, ReleaseRequest, createOnce, createReleaseModel, sageMakerTags } from './release-model';
import { Removal, removeEach, staleNames } from './removal';
import { describeEndpointIfExists } from './sagemaker-lookups';
import type { EnvironmentDeploySpec } from '../contract/deploy-settings';
import { isReleaseName } from '../contract/naming';

export type { ReleaseClients, ReleaseRequest } from './release-model';

/**
 * Where a release stands between two calls, carried in the CodePipeline
 * continuation token.
 * - `awaiting-endpoint`: our create or update was accepted; wait for the outcome.
 * - `awaiting-idle`: the endpoint was mid-change when we came; wait, then roll out.
 * - `awaiting-deletion`: a `Failed` endpoint (it never served) is being deleted before we create it again.
 */
export interface ReleaseState {
  readonly phase: 'awaiting-endpoint' | 'awaiting-idle' | 'awaiting-deletion';
  readonly release: string;
  /** The config that served before this release, if any. */
  readonly previousConfig?: string;
}

export type ReleaseOutcome =
  | {
    readonly kind: 'succeeded';
    readonly message: string;
    readonly release: string;
    /** The config that served before, for a later stage to roll back to; undefined on a first release or a retry that came after its rollout finished. */
    readonly previousConfig?: string;
    readonly cleanup: CleanupResult;
  }
  | { readonly kind: 'in-progress'; readonly message: string; readonly state: ReleaseState }
  | { readonly kind: 'failed'; readonly message: string };

const SETTLING_STATUSES = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

/** Runs a delete call; a resource that is already gone counts as deleted. */
async function deleteIfPresent(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!isNotFound(err)) {
      throw err;
    }
  }
}

function describeEndpoint(clients: ReleaseClients, name: string): Promise<DescribeEndpointCommandOutput | undefined> {
  return describeEndpointIfExists(clients.sagemaker, name);
}

function inProgress(state: ReleaseState, message: string): ReleaseOutcome {
  return { kind: 'in-progress', state, message };
}

/**
 * Starts (or, for a retried job, resumes) a release: stages the artifact and
 * creates the release's model (see `createReleaseModel`), creates its
 * endpoint config, then creates or updates the endpoint. Never waits: the outcome says what to check next.
 */
export async function startRelease(request: ReleaseRequest, clients: ReleaseClients): Promise<ReleaseOutcome> {
  const { spec } = request;
  const model = await createReleaseModel(request, clients);
  if (model.kind === 'failed') {
    return model;
  }
  const release = model.release;
  // One look at the endpoint serves both the new config (an autoscaled variant
  // keeps its current instance count) and the choice to create or update.
  const endpoint = await describeEndpoint(clients, spec.endpointName);
  try {
    await createOnce(() => clients.sagemaker.send(new CreateEndpointConfigCommand(endpointConfig(spec, release, currentInstanceCount(endpoint)))));
  } catch (err) {
    if (!isTransient(err)) {
      // Refused for good, so there is no config of this release: nothing
      // would ever find its model (old releases are found by their configs).
      // A retry of the job makes it again. Best effort: the job fails with the reason.
      await deleteIfPresent(() => clients.sagemaker.send(new DeleteModelCommand({ ModelName: release }))).catch(() => undefined);
    }
    throw err;
  }

  return rollOut(spec, release, clients, endpoint);
}

/** The release's endpoint config: one stable variant, instance-backed or serverless. */
export function endpointConfig(spec: EnvironmentDeploySpec, release: string, currentCount?: number): CreateEndpointConfigCommandInput {
  const variant: ProductionVariant = spec.serverless
    ? {
      VariantName: spec.variantName,
      ModelName: release,
      ServerlessConfig: {
        MemorySizeInMB: spec.serverless.memorySizeMb,
        MaxConcurrency: spec.serverless.maxConcurrency,
        ProvisionedConcurrency: spec.serverless.provisionedConcurrency,
      },
    }
    : {
      VariantName: spec.variantName,
      ModelName: release,
      // The construct validated the shape; SageMaker names the exact types it accepts.
      InstanceType: spec.instanceType as ProductionVariantInstanceType,
      InitialInstanceCount: initialCount(spec, currentCount),
    };
  return {
    EndpointConfigName: release,
    ProductionVariants: [variant],
    KmsKeyId: spec.kmsKeyArn,
    DataCaptureConfig: spec.dataCapture && {
      EnableCapture: true,
      InitialSamplingPercentage: spec.dataCapture.samplingPercentage,
      DestinationS3Uri: spec.dataCapture.destinationS3Uri,
      KmsKeyId: spec.kmsKeyArn,
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    },
    Tags: sageMakerTags(spec),
  };
}

/** SageMaker blue/green: how traffic moves, and the alarms that roll it back. */
export function deploymentConfig(spec: EnvironmentDeploySpec): DeploymentConfig | undefined {
  const deployment = spec.deployment;
  if (!deployment) {
    return undefined;
  }
  const step = deployment.stepPercent === undefined ? undefined : { Type: 'CAPACITY_PERCENT' as const, Value: deployment.stepPercent };
  return {
    BlueGreenUpdatePolicy: {
      TrafficRoutingConfiguration: {
        Type: deployment.type as TrafficRoutingConfigType,
        WaitIntervalInSeconds: deployment.waitSeconds ?? 0,
        CanarySize: deployment.type === 'CANARY' ? step : undefined,
        LinearStepSize: deployment.type === 'LINEAR' ? step : undefined,
      },
      TerminationWaitInSeconds: deployment.bakeSeconds,
    },
    AutoRollbackConfiguration: { Alarms: deployment.rollbackAlarms.map((AlarmName) => ({ AlarmName })) },
  };
}

/** How many instances the endpoint's variant runs now, if it exists. */
function currentInstanceCount(endpoint: DescribeEndpointCommandOutput | undefined): number | undefined {
  return endpoint?.ProductionVariants?.[0]?.CurrentInstanceCount;
}

/**
 * The new config's instance count: an autoscaled variant keeps the count
 * scaling gave it (within the bounds), so a release does not undo scaling.
 */
function initialCount(spec: EnvironmentDeploySpec, currentCount: number | undefined): number | undefined {
  const scaling = spec.autoScaling;
  if (!scaling || currentCount === undefined) {
    return spec.initialInstanceCount;
  }
  return Math.min(scaling.maxInstances, Math.max(scaling.minInstances, currentCount));
}

/**
 * Creates or updates the endpoint onto the release, depending on what the endpoint is doing now.
 * @param previousConfig the config an earlier call saw serving while the endpoint changed, if any
 */
async function rollOut(
  spec: EnvironmentDeploySpec,
  release: string,
  clients: ReleaseClients,
  endpoint: DescribeEndpointCommandOutput | undefined,
  previousConfig?: string,
): Promise<ReleaseOutcome> {
  if (!endpoint) {
    return createEndpoint(spec, release, clients);
  }
  const status = endpoint.EndpointStatus ?? 'Unknown';
  const serving = endpoint.EndpointConfigName;

  if (status === 'InService') {
    if (serving === release) {
      // A retried job whose earlier attempt already finished the rollout. When
      // this job saw that rollout in flight, it knows what served before: the
      // Test stage rolls back to it, so it must not be lost.
      return succeed(spec, release, clients, previousConfig === release ? undefined : previousConfig);
    }
    // SageMaker refuses to move an autoscaled variant to another instance type;
    // scaling is put back when the release ends, whichever way it ends.
    await suspendScaling(spec, clients.autoscaling);
    try {
      await clients.sagemaker.send(new UpdateEndpointCommand({
        EndpointName: spec.endpointName,
        EndpointConfigName: release,
        DeploymentConfig: deploymentConfig(spec),
      }));
    } catch (err) {
      if (isEndpointBusy(err)) {
        return inProgress({ phase: 'awaiting-idle', release, previousConfig: serving }, `Endpoint ${spec.endpointName} is busy; waiting to update it`);
      }
      if (!isTransient(err)) {
        // Refused for good: the serving config stays, and so must its scaling.
        // Best effort: the job fails with the update's reason either way.
        await enableScaling(spec, clients.autoscaling).catch(() => undefined);
      }
      throw err;
    }
    return inProgress({ phase: 'awaiting-endpoint', release, previousConfig: serving }, `Updating endpoint ${spec.endpointName} from ${serving} to ${release}`);
  }
  if (status === 'Failed') {
    // A Failed endpoint never served (a failed update returns to InService), so
    // nothing is lost by deleting it; SageMaker cannot update it in place.
    await clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: spec.endpointName }));
    return inProgress({ phase: 'awaiting-deletion', release }, `Deleting endpoint ${spec.endpointName}, which failed before it ever served, to create it again`);
  }
  if (SETTLING_STATUSES.has(status)) {
    return inProgress({ phase: 'awaiting-idle', release, previousConfig: serving }, `Endpoint ${spec.endpointName} is ${status}; waiting before releasing ${release}`);
  }
  return { kind: 'failed', message: `Endpoint ${spec.endpointName} is ${status}${reasonSuffix(endpoint)}; it needs attention before a release can proceed` };
}

async function createEndpoint(spec: EnvironmentDeploySpec, release: string, clients: ReleaseClients): Promise<ReleaseOutcome> {
  try {
    await clients.sagemaker.send(new CreateEndpointCommand({
      EndpointName: spec.endpointName,
      EndpointConfigName: release,
      Tags: sageMakerTags(spec),
    }));
  } catch (err) {
    if (!isNameTaken(err)) {
      throw err;
    }
    // Created since we looked, by another release of this environment (or an
    // earlier attempt of this one): wait for it, then roll out onto it.
    return inProgress({ phase: 'awaiting-idle', release }, `Endpoint ${spec.endpointName} was created meanwhile; waiting before releasing ${release}`);
  }
  return inProgress({ phase: 'awaiting-endpoint', release }, `Creating endpoint ${spec.endpointName} with ${release}`);
}

function reasonSuffix(endpoint: DescribeEndpointCommandOutput): string {
  return endpoint.FailureReason ? `: ${endpoint.FailureReason}` : '';
}

/** Checks on a release started earlier. */
export async function continueRelease(spec: EnvironmentDeploySpec, state: ReleaseState, clients: ReleaseClients): Promise<ReleaseOutcome> {
  const endpoint = await describeEndpoint(clients, spec.endpointName);
  const status = endpoint?.EndpointStatus ?? 'Missing';

  switch (state.phase) {
    case 'awaiting-idle':
      return SETTLING_STATUSES.has(status)
        ? inProgress(state, `Endpoint ${spec.endpointName} is still ${status}`)
        : rollOut(spec, state.release, clients, endpoint, state.previousConfig);
    case 'awaiting-deletion':
      return endpoint ? inProgress(state, `Endpoint ${spec.endpointName} is still ${status}`) : createEndpoint(spec, state.release, clients);
    case 'awaiting-endpoint':
      break;
    default:
      return { kind: 'failed', message: `Unknown release phase ${JSON.stringify((state as { phase: unknown }).phase)}` };
  }

  if (!endpoint) {
    // Someone deleted the endpoint while we waited: start the rollout again.
    return rollOut(spec, state.release, clients, undefined);
  }
  if (SETTLING_STATUSES.has(status)) {
    return inProgress(state, `Endpoint ${spec.endpointName} is ${status}`);
  }
  if (status === 'InService' && endpoint.EndpointConfigName === state.release) {
    return succeed(spec, state.release, clients, state.previousConfig);
  }
  if (status === 'InService') {
    // The last good config serves again: so does its scaling.
    await enableScaling(spec, clients.autoscaling);
    const serving = endpoint.EndpointConfigName;
    if (serving !== state.previousConfig) {
      // Neither ours nor the one we replaced: another release of this
      // environment, rolled out after ours, serves now.
      return {
        kind: 'failed',
        message: `Release ${state.release} was superseded: endpoint ${spec.endpointName} now serves ${serving}, which another release rolled out after it`,
      };
    }
    return {
      kind: 'failed',
      message: `Release ${state.release} failed and was rolled back; endpoint ${spec.endpointName} still serves ${serving}${reasonSuffix(endpoint)}`,
    };
  }
  return { kind: 'failed', message: `Endpoint ${spec.endpointName} is ${status} after release ${state.release}${reasonSuffix(endpoint)}` };
}

async function succeed(spec: EnvironmentDeploySpec, release: string, clients: ReleaseClients, previousConfig?: string): Promise<ReleaseOutcome> {
  await enableScaling(spec, clients.autoscaling);
  const cleanup = await removeOldReleases(spec, release, clients, previousConfig).catch((err: unknown): CleanupResult => {
    if (isTransient(err)) {
      throw err;
    }
    // The release serves: old releases that cannot even be listed now are the next release's to remove.
    return { removed: [], failed: [{ name: 'old releases', reason: `${errorName(err)}: ${errorMessage(err)}` }] };
  });
  return { kind: 'succeeded', release, previousConfig, cleanup, message: `Endpoint ${spec.endpointName} is InService with ${release}` };
}

/** Which old releases a clean-up removed, and which it could not (left for the next one). */
export type CleanupResult = Removal;

/**
 * Deletes the models and endpoint configs of releases older than the newest
 * `keepReleases`, once the new release serves. The serving config is never
 * deleted, nor the one it replaced (the Test stage's rollback target, which
 * failed releases made since could push out of the newest); a failure to
 * delete an old release never fails the new one.
 */
export async function removeOldReleases(
  spec: EnvironmentDeploySpec,
  serving: string,
  clients: ReleaseClients,
  previousConfig?: string,
): Promise<CleanupResult> {
  const releases: Array<{ name: string; created: number }> = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.sagemaker.send(new ListEndpointConfigsCommand({
      NameContains: spec.releasePrefix,
      NextToken: nextToken,
      MaxResults: 100,
    }));
    for (const config of page.EndpointConfigs ?? []) {
      if (config.EndpointConfigName && isReleaseName(spec.releasePrefix, config.EndpointConfigName)) {
        releases.push({ name: config.EndpointConfigName, created: config.CreationTime?.getTime() ?? 0 });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);

  const stale = staleNames(releases, serving, spec.keepReleases).filter((name) => name !== previousConfig);
  return removeEach(stale, async (name) => {
    // The config goes last: releases are found by their configs, so a
    // clean-up cut short after the model still finds the config next time,
    // where one cut short after the config would leave the model for good.
    await deleteIfPresent(() => clients.sagemaker.send(new DeleteModelCommand({ ModelName: name })));
    await deleteIfPresent(() => clients.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })));
  });
}
