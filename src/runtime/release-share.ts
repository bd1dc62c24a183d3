import { APIGatewayClient, GetRestApisCommand, UpdateStageCommand } from '@aws-sdk/client-api-gateway';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { isNotFound } from './aws-errors';
import { JobConfigurationError } from './codepipeline-job';
import { ENDPOINT_STAGE_VARIABLE } from '../contract/share-settings';
import type { EnvironmentShareSpec, ShareApiSpec, ShareRecord } from '../contract/share-settings';

/** The SDK clients sharing a release needs. */
export interface ShareClients {
  /** SageMaker where the endpoint runs. */
  readonly sagemaker: SageMakerClient;
  /** SSM in the pipeline's account, which keeps the release record. */
  readonly ssm: SSMClient;
  /** API Gateway where the endpoint (and so its inference API) runs. */
  readonly apigateway: APIGatewayClient;
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
 * Once the environment's endpoint serves exactly the release, makes its
 * inference API live (its stage's `endpoint` variable, a placeholder until the
 * first share, names the endpoint) and records the release in the
 * environment's SSM parameter. Both steps are idempotent: a CodePipeline retry
 * of the same execution finds its own record and leaves it (and its time) untouched.
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

  // Live first, then recorded: a retry after a failed record finds the API live already.
  await makeLive(clients.apigateway, spec.api, spec.endpointName);
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

/** The most REST APIs one GetRestApis page lists. */
const API_PAGE_SIZE = 500;

/**
 * Points the API's stage at the endpoint. An API in another account is found
 * by its name, which the pipeline and `MlopsEnvironmentAccess` both derive
 * from the endpoint's name.
 */
export async function makeLive(apigateway: APIGatewayClient, api: ShareApiSpec, endpointName: string): Promise<void> {
  const restApiId = api.restApiId ?? await findRestApi(apigateway, api.restApiName);
  await apigateway.send(new UpdateStageCommand({
    restApiId,
    stageName: api.stageName,
    patchOperations: [{ op: 'replace', path: `/variables/${ENDPOINT_STAGE_VARIABLE}`, value: endpointName }],
  }));
}

async function findRestApi(apigateway: APIGatewayClient, name: string): Promise<string> {
  let position: string | undefined;
  do {
    const page = await apigateway.send(new GetRestApisCommand({ limit: API_PAGE_SIZE, position }));
    const found = page.items?.find((item) => item.name === name);
    if (found?.id) {
      return found.id;
    }
    position = page.position;
  } while (position);
  throw new JobConfigurationError(`Inference API ${name} does not exist: deploy the environment's MlopsEnvironmentAccess stack first`);
}
