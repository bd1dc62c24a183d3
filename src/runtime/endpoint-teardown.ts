import {
  ApplicationAutoScalingClient,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DeleteMonitoringScheduleCommand,
  DescribeEndpointCommandOutput,
  DescribeMonitoringScheduleCommand,
  ListEndpointConfigsCommand,
  ListModelsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { errorMessage, errorName, isEndpointBusy, isNotFound, isTransient, unlessNotFound } from './aws-errors';
import { deleteSchedule, scheduleNameOf } from './monitoring-schedule';
import { describeEndpointIfExists } from './sagemaker-lookups';
import type { CleanupEnvironment } from '../contract/cleanup-settings';
import type { MonitoringKind } from '../contract/monitoring-settings';
import { isReleaseName } from '../contract/naming';

/** The AWS clients a teardown uses; injected so tests choose where they point. */
export interface TeardownClients {
  readonly sagemaker: SageMakerClient;
  readonly autoscaling: ApplicationAutoScalingClient;
}

/** Where one environment's teardown stands after a pass. */
export interface TeardownProgress {
  readonly endpointName: string;
  /** True when the pass found no endpoint, and no release model or config is left. */
  readonly done: boolean;
  /** What the pass did or is waiting for, in order. */
  readonly steps: string[];
  /** Release models and configs still there after the pass (made while it ran). */
  readonly remaining: string[];
}

/**
 * A call that failed for a reason a later attempt will not fix (permissions,
 * a malformed request); the message names the resource and the cause.
 */
export class TeardownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeardownError';
    Object.setPrototypeOf(this, TeardownError.prototype);
  }
}

const SAGEMAKER_NAMESPACE = 'sagemaker';
/** SageMaker refuses to delete an endpoint in these states; they end by themselves. */
const SETTLING_STATUSES = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting']);

/** The Application Auto Scaling resource ID of an endpoint's production variant. */
export function variantResourceId(env: CleanupEnvironment): string {
  return `endpoint/${env.endpointName}/variant/${env.variantName}`;
}

/** Transient errors stay as they are, for the caller to retry later; any other becomes a {@link TeardownError} saying what failed. */
function failure(what: string, err: unknown): unknown {
  return isTransient(err) ? err : new TeardownError(`Could not ${what}: ${errorName(err)}: ${errorMessage(err)}`);
}

/** Runs one call, classifying its failure with {@link failure}. */
async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw failure(what, err);
  }
}

/** Already gone: SageMaker's "Could not find", or Application Auto Scaling's ObjectNotFoundException for a target no longer registered. */
function isGone(err: unknown): boolean {
  return isNotFound(err) || errorName(err) === 'ObjectNotFoundException';
}

/** Runs a delete; a resource that is already gone counts as deleted. */
async function deleteIfPresent(what: string, call: () => Promise<unknown>): Promise<boolean> {
  return attempt(what, async () => {
    try {
      await call();
      return true;
    } catch (err) {
      if (isGone(err)) {
        return false;
      }
      throw err;
    }
  });
}

/**
 * Deregisters every scalable target of the environment's variant, whatever
 * its dimension (instance count, or provisioned concurrency of a serverless
 * variant). Deregistering also deletes the target's scaling policies.
 */
async function deregisterScaling(env: CleanupEnvironment, clients: TeardownClients, steps: string[]): Promise<void> {
  const resourceId = variantResourceId(env);
  const targets: ScalableTarget[] = [];
  let nextToken: string | undefined;
  do {
    const page = await attempt(`describe the scalable targets of ${resourceId}`, () => clients.autoscaling.send(new DescribeScalableTargetsCommand({
      ServiceNamespace: SAGEMAKER_NAMESPACE,
      ResourceIds: [resourceId],
      NextToken: nextToken,
    })));
    targets.push(...(page.ScalableTargets ?? []).filter((t) => t.ResourceId === resourceId));
    nextToken = page.NextToken;
  } while (nextToken);

  for (const target of targets) {
    const deregistered = await deleteIfPresent(`deregister scalable target ${resourceId} (${target.ScalableDimension})`, () => clients.autoscaling.send(new DeregisterScalableTargetCommand({
      ServiceNamespace: SAGEMAKER_NAMESPACE,
      ResourceId: resourceId,
      ScalableDimension: target.ScalableDimension,
    })));
    if (deregistered) {
      steps.push(`deregistered scalable target ${resourceId} (${target.ScalableDimension})`);
    }
  }
}

async function describeEndpoint(name: string, clients: TeardownClients): Promise<DescribeEndpointCommandOutput | undefined> {
  return attempt(`describe endpoint ${name}`, () => describeEndpointIfExists(clients.sagemaker, name));
}

/**
 * Deletes the endpoint unless it is mid-change. True once it is gone;
 * false while it settles or is being deleted (the next pass looks again).
 */
async function removeEndpoint(env: CleanupEnvironment, clients: TeardownClients, steps: string[]): Promise<boolean> {
  const endpoint = await describeEndpoint(env.endpointName, clients);
  if (!endpoint) {
    return true;
  }
  const status = endpoint.EndpointStatus ?? 'Unknown';
  if (SETTLING_STATUSES.has(status)) {
    steps.push(`endpoint ${env.endpointName} is ${status}; waiting`);
    return false;
  }
  try {
    await clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: env.endpointName }));
  } catch (err) {
    if (isNotFound(err)) {
      return true;
    }
    if (isEndpointBusy(err)) {
      // It started changing between the describe and the delete.
      steps.push(`endpoint ${env.endpointName} started changing; waiting`);
      return false;
    }
    throw failure(`delete endpoint ${env.endpointName} (${status})`, err);
  }
  steps.push(`deleting endpoint ${env.endpointName} (was ${status})`);
  return false;
}

/**
 * Every kind of monitoring an environment may have. The clean-up is told
 * only the monitoring prefix, so it looks for both schedules; one that was
 * never made is simply not there.
 */
const MONITORING_KINDS: readonly MonitoringKind[] = ['data-quality', 'model-quality'];

/**
 * Deletes a monitored environment's schedules, then (once both are gone)
 * their job definitions. Returns the schedules still there, being deleted:
 * SageMaker does not delete an endpoint that a schedule still watches, so
 * the endpoint waits until none is left. A definition that cannot go (still
 * in use while a schedule's deletion settles) is reported, never blocking.
 */
async function removeMonitoring(prefix: string, clients: TeardownClients, steps: string[]): Promise<string[]> {
  const deleting: string[] = [];
  for (const kind of MONITORING_KINDS) {
    const name = scheduleNameOf(prefix, kind);
    const schedule = await attempt(`describe monitoring schedule ${name}`,
      () => unlessNotFound(() => clients.sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: name }))));
    if (schedule) {
      await deleteIfPresent(`delete monitoring schedule ${name}`, () => clients.sagemaker.send(new DeleteMonitoringScheduleCommand({ MonitoringScheduleName: name })));
      steps.push(`deleting monitoring schedule ${name}`);
      deleting.push(name);
    }
  }
  if (deleting.length > 0) {
    return deleting;
  }
  for (const kind of MONITORING_KINDS) {
    const { cleanup } = await attempt(`delete the ${kind} job definitions of ${prefix}`, () => deleteSchedule({ namePrefix: prefix }, clients.sagemaker, kind));
    steps.push(...cleanup.removed.map((definition) => `deleted ${kind} job definition ${definition}`));
    steps.push(...cleanup.failed.map((f) => `could not delete ${kind} job definition ${f.name} (${f.reason}); left in place`));
  }
  return [];
}

/** The release models or endpoint configs under the environment's prefix, across every page. */
async function listReleases(kind: 'model' | 'endpoint config', env: CleanupEnvironment, clients: TeardownClients): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    let page: { names: Array<string | undefined>; nextToken?: string };
    if (kind === 'model') {
      const models = await attempt(`list models named ${env.releasePrefix}-*`, () => clients.sagemaker.send(new ListModelsCommand({
        NameContains: env.releasePrefix, NextToken: nextToken, MaxResults: 100,
      })));
      page = { names: (models.Models ?? []).map((m) => m.ModelName), nextToken: models.NextToken };
    } else {
      const configs = await attempt(`list endpoint configs named ${env.releasePrefix}-*`, () => clients.sagemaker.send(new ListEndpointConfigsCommand({
        NameContains: env.releasePrefix, NextToken: nextToken, MaxResults: 100,
      })));
      page = { names: (configs.EndpointConfigs ?? []).map((c) => c.EndpointConfigName), nextToken: configs.NextToken };
    }
    // NameContains matches anywhere in the name: keep only this environment's releases.
    names.push(...page.names.filter((n): n is string => n !== undefined && isReleaseName(env.releasePrefix, n)));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}

/** Deletes every release endpoint config, then every release model; how many it deleted. */
async function removeReleases(env: CleanupEnvironment, clients: TeardownClients, steps: string[]): Promise<number> {
  let removed = 0;
  for (const name of await listReleases('endpoint config', env, clients)) {
    if (await deleteIfPresent(`delete endpoint config ${name}`, () => clients.sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: name })))) {
      steps.push(`deleted endpoint config ${name}`);
      removed++;
    }
  }
  for (const name of await listReleases('model', env, clients)) {
    if (await deleteIfPresent(`delete model ${name}`, () => clients.sagemaker.send(new DeleteModelCommand({ ModelName: name })))) {
      steps.push(`deleted model ${name}`);
      removed++;
    }
  }
  return removed;
}

/**
 * One pass of tearing an environment down, never waiting: deregisters the
 * variant's scaling, deletes the endpoint unless it is mid-change, and once the
 * endpoint is gone deletes every release config and model. Call it again until
 * `done`; every step is idempotent.
 *
 * Throws {@link TeardownError} for failures that retrying will not fix, and
 * transient AWS errors as they are.
 */
export async function tearDownEnvironment(env: CleanupEnvironment, clients: TeardownClients): Promise<TeardownProgress> {
  const steps: string[] = [];
  if (env.monitoringPrefix) {
    const schedules = await removeMonitoring(env.monitoringPrefix, clients, steps);
    if (schedules.length > 0) {
      return { endpointName: env.endpointName, done: false, steps, remaining: [...schedules, env.endpointName] };
    }
  }
  await deregisterScaling(env, clients, steps);
  const endpointGone = await removeEndpoint(env, clients, steps);
  if (!endpointGone) {
    return { endpointName: env.endpointName, done: false, steps, remaining: [env.endpointName] };
  }
  const removed = await removeReleases(env, clients, steps);
  // Seeing nothing left is the proof; a release created while this pass ran is caught next time.
  const remaining = removed === 0 ? [] : [
    ...await listReleases('endpoint config', env, clients),
    ...await listReleases('model', env, clients),
  ];
  return { endpointName: env.endpointName, done: remaining.length === 0, steps, remaining };
}
