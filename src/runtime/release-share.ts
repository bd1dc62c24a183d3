import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isNotFound } from './aws-errors';
import type { EnvironmentShareSpec, ShareRecord } from '../pipeline/share/share-spec';

/** The SDK clients sharing a release needs. */
export interface ShareClients {
  readonly sagemaker: SageMakerClient;
  readonly ssm: SSMClient;
}

/** The release one share action makes public. */
export interface ShareRequest {
  readonly environment: string;
  readonly spec: EnvironmentShareSpec;
  readonly endpointConfigName: string;
  readonly modelName: string;
  readonly executionId: string;
  readonly image?: string;
  /** The time recorded for a new share; injectable for tests. */
  readonly now?: Date;
}

/** What sharing concluded; AWS errors other than "not found" are thrown to the caller. */
export type ShareOutcome =
  | { readonly kind: 'shared'; readonly message: string; readonly record: ShareRecord }
  | { readonly kind: 'refused'; readonly message: string };

/**
 * Records the release in the environment's SSM parameter once its endpoint
 * serves exactly that release.
 *
 * The inference API always calls the environment's endpoint by name, so the
 * API is live as soon as the endpoint exists; before that it answers 503. The
 * record is what says which release that is. A CodePipeline retry of the same
 * execution finds its own record and leaves it (and its time) untouched.
 */
export async function shareRelease(request: ShareRequest, clients: ShareClients): Promise<ShareOutcome> {
  const { spec, endpointConfigName } = request;
  let endpoint;
  try {
    endpoint = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: spec.endpointName }));
  } catch (err) {
    if (isNotFound(err)) {
      return { kind: 'refused', message: `Endpoint ${spec.endpointName} does not exist: release ${endpointConfigName} has not been deployed to ${request.environment}` };
    }
    throw err;
  }
  if (endpoint.EndpointStatus !== 'InService') {
    const reason = endpoint.FailureReason ? `: ${endpoint.FailureReason}` : '';
    return { kind: 'refused', message: `Endpoint ${spec.endpointName} is ${endpoint.EndpointStatus}, not InService${reason}; release ${endpointConfigName} was not shared` };
  }
  if (endpoint.EndpointConfigName !== endpointConfigName) {
    return {
      kind: 'refused',
      message: `Endpoint ${spec.endpointName} serves ${endpoint.EndpointConfigName}, not ${endpointConfigName} (a later release or a rollback changed it); release ${endpointConfigName} was not shared`,
    };
  }

  const current = await readRecord(clients.ssm, spec.parameterName);
  if (current.shared && current.pipelineExecutionId === request.executionId && current.endpointConfigName === endpointConfigName) {
    return { kind: 'shared', message: `Release ${endpointConfigName} was already shared to ${request.environment} at ${current.sharedAt}`, record: current };
  }
  const record: ShareRecord = {
    shared: true,
    environment: request.environment,
    endpointName: spec.endpointName,
    endpointConfigName,
    modelName: request.modelName,
    image: request.image,
    pipelineExecutionId: request.executionId,
    sharedAt: (request.now ?? new Date()).toISOString(),
    previousEndpointConfigName: current.shared && current.endpointConfigName !== endpointConfigName ? current.endpointConfigName : undefined,
  };
  await clients.ssm.send(new PutParameterCommand({
    Name: spec.parameterName,
    Value: JSON.stringify(record),
    Type: 'String',
    Overwrite: true,
  }));
  return { kind: 'shared', message: `Shared release ${endpointConfigName} to ${request.environment} (endpoint ${spec.endpointName})`, record };
}

/** The parameter's record; a missing or unreadable value counts as "nothing shared yet". */
export async function readRecord(ssm: SSMClient, parameterName: string): Promise<ShareRecord> {
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: parameterName }))).Parameter?.Value;
  } catch (err) {
    if (isNotFound(err)) {
      return { shared: false };
    }
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(value ?? '');
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as ShareRecord : { shared: false };
  } catch {
    return { shared: false };
  }
}
