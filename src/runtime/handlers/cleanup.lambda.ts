import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CLEANUP_PHASE_FIELD, CleanupEnvironment, ENVIRONMENTS_PROPERTY, IS_COMPLETE_PHASE } from '../../contract/cleanup-settings';
import { errorMessage, errorName, isTransient } from '../aws-errors';
import { TeardownClients, TeardownProgress, tearDownEnvironment } from '../endpoint-teardown';
import { EnvironmentClients } from '../environment-access';
import { HandlerIdentities, parseHandlerRoleArn, stackSessionTag } from '../handler-identity';
import { createLogger } from '../logger';
import { EnvironmentAccessSpec, parseAccessSpec } from '../../contract/access-settings';
import { CLEANUP_ROLE_PROPERTY } from '../../contract/shared-handler-settings';

const logger = createLogger('mlops-cleanup');

/**
 * The event of either call the CDK Provider framework makes: onEvent gets
 * CloudFormation's request; isComplete gets it merged with onEvent's answer,
 * which carries the phase marker.
 */
export type CleanupEvent = CloudFormationCustomResourceEvent & { readonly [CLEANUP_PHASE_FIELD]?: string };

/** onEvent's answer. */
export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly [CLEANUP_PHASE_FIELD]: typeof IS_COMPLETE_PHASE;
}

/** isComplete's answer: the framework calls again after its query interval while false. */
export interface IsCompleteResponse {
  readonly IsComplete: boolean;
}

/** The custom resource's properties are not what the construct writes. */
export class CleanupConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CleanupConfigurationError';
    Object.setPrototypeOf(this, CleanupConfigurationError.prototype);
  }
}

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

/** Reads and checks the environments from the custom resource's properties. */
export function readEnvironments(properties: Record<string, unknown> | undefined): CleanupEnvironment[] {
  const list = properties?.[ENVIRONMENTS_PROPERTY];
  if (!Array.isArray(list)) {
    throw new CleanupConfigurationError(`The release clean-up resource has no ${ENVIRONMENTS_PROPERTY} list`);
  }
  return list.map((item: unknown, i) => {
    const env = (item ?? {}) as Record<string, unknown>;
    for (const field of ['endpointName', 'releasePrefix', 'variantName']) {
      const value = env[field];
      if (typeof value !== 'string' || !SAGEMAKER_NAME.test(value)) {
        throw new CleanupConfigurationError(`${ENVIRONMENTS_PROPERTY}[${i}].${field} is not a SageMaker name: ${JSON.stringify(value)}`);
      }
    }
    const monitoringPrefix = env.monitoringPrefix;
    if (monitoringPrefix !== undefined && (typeof monitoringPrefix !== 'string' || !SAGEMAKER_NAME.test(monitoringPrefix))) {
      throw new CleanupConfigurationError(`${ENVIRONMENTS_PROPERTY}[${i}].monitoringPrefix is not a SageMaker name: ${JSON.stringify(monitoringPrefix)}`);
    }
    return {
      endpointName: env.endpointName,
      releasePrefix: env.releasePrefix,
      variantName: env.variantName,
      monitoringPrefix,
      access: env.access === undefined
        ? undefined
        : parseAccessSpec(env.access, `${ENVIRONMENTS_PROPERTY}[${i}].access`, (message) => new CleanupConfigurationError(message)),
    } as CleanupEnvironment;
  });
}

/**
 * Create and Update change nothing in AWS: the resource only remembers the
 * environments, so that deleting it knows what to remove. The physical ID
 * never changes, so CloudFormation never replaces (and so deletes) it on update.
 */
export function onEvent(event: CleanupEvent): OnEventResponse {
  if (event.RequestType !== 'Delete') {
    readEnvironments(event.ResourceProperties);
    readHandlerRole(event.ResourceProperties);
  }
  const physicalResourceId = event.RequestType === 'Create' ? `release-cleanup-${event.LogicalResourceId}` : event.PhysicalResourceId;
  return { PhysicalResourceId: physicalResourceId, [CLEANUP_PHASE_FIELD]: IS_COMPLETE_PHASE };
}

/**
 * For Delete, one pass over every environment (see `tearDownEnvironment`);
 * complete once no environment has an endpoint, a release config or a release
 * model left. A transient AWS error leaves that environment for the next poll;
 * any other error fails the deletion with every failure named, after the other
 * environments have had their pass.
 * @param clients clients in the pipeline's account
 * @param forEnvironment clients for an environment in another account or region (through its access role)
 */
export async function isComplete(
  event: CleanupEvent,
  clients: TeardownClients,
  forEnvironment: (access: EnvironmentAccessSpec) => TeardownClients = () => clients,
): Promise<IsCompleteResponse> {
  if (event.RequestType !== 'Delete') {
    return { IsComplete: true };
  }
  const environments = readEnvironments(event.ResourceProperties);
  const progress: TeardownProgress[] = [];
  const waiting: string[] = [];
  const failures: string[] = [];
  for (const env of environments) {
    try {
      progress.push(await tearDownEnvironment(env, env.access ? forEnvironment(env.access) : clients));
    } catch (err) {
      if (isTransient(err)) {
        waiting.push(`${env.endpointName}: transient ${errorName(err)}`);
      } else {
        failures.push(errorMessage(err));
      }
    }
  }
  const complete = failures.length === 0 && waiting.length === 0 && progress.every((p) => p.done);
  logger.info('Release clean-up pass', {
    physicalResourceId: event.PhysicalResourceId,
    complete,
    environments: progress.map((p) => ({ endpointName: p.endpointName, done: p.done, steps: p.steps, remaining: p.remaining })),
    waiting,
    failures,
  });
  if (failures.length > 0) {
    throw new Error(`Release clean-up failed; fix the cause and delete the stack again. ${failures.join('; ')}`);
  }
  return { IsComplete: complete };
}

/**
 * The pipeline's clean-up role when the resource names one (a handler shared
 * by the framework's pipelines), checked; `undefined` for a handler made for one pipeline.
 */
export function readHandlerRole(properties: Record<string, unknown> | undefined): string | undefined {
  return parseHandlerRoleArn(properties?.[CLEANUP_ROLE_PROPERTY], CLEANUP_ROLE_PROPERTY, (message) => new CleanupConfigurationError(message));
}

const identities = new HandlerIdentities({}, 'cleanup');

/**
 * The function's own clients, or those of the pipeline's clean-up role,
 * assumed with the tag `mlops:stack=<name>`, the stack CloudFormation's
 * event says the resource belongs to: the role trusts only its own stack's
 * sessions, so naming another stack's role gets AccessDenied.
 */
async function clientsFor(event: CleanupEvent): Promise<EnvironmentClients> {
  const roleArn = readHandlerRole(event.ResourceProperties);
  if (roleArn === undefined) {
    return identities.own;
  }
  const tag = stackSessionTag(event.StackId, (message) => new CleanupConfigurationError(message));
  return identities.forRole(roleArn, tag, CLEANUP_ROLE_PROPERTY);
}

/** Teardown clients in the pipeline's account, or in an environment's account through its access role. */
export function teardownClientsFor(factory: EnvironmentClients, access?: EnvironmentAccessSpec): TeardownClients {
  return { sagemaker: factory.get(SageMakerClient, access), autoscaling: factory.get(ApplicationAutoScalingClient, access) };
}

/**
 * Entry point for both Provider framework calls (the bundle has one handler):
 * an isComplete call carries the phase marker onEvent returned.
 */
export async function handler(event: CleanupEvent): Promise<OnEventResponse | IsCompleteResponse> {
  if (event[CLEANUP_PHASE_FIELD] !== IS_COMPLETE_PHASE) {
    const response = onEvent(event);
    logger.info('Release clean-up event', { requestType: event.RequestType, physicalResourceId: response.PhysicalResourceId });
    return response;
  }
  if (event.RequestType !== 'Delete') {
    // Create and Update make no AWS call: nothing to act for (see onEvent).
    return { IsComplete: true };
  }
  let clients: EnvironmentClients;
  try {
    clients = await clientsFor(event);
  } catch (err) {
    if (!isTransient(err)) {
      throw err;
    }
    // As for an environment's transient error: the framework polls again.
    logger.info('Release clean-up pass', { physicalResourceId: event.PhysicalResourceId, complete: false, waiting: [`${CLEANUP_ROLE_PROPERTY}: transient ${errorName(err)}`] });
    return { IsComplete: false };
  }
  return isComplete(event, teardownClientsFor(clients), (access) => teardownClientsFor(clients, access));
}
