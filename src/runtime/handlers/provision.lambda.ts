import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import {
  fromV1ProvisionRequest,
  fromV1StatusRequest,
  parseJsonDocument,
  referencedObjects,
  validatePipelineRequest,
} from '../../config/validate';
import { createLogger } from '../logger';
import { faultResponse } from '../provisioning/api-faults';
import { ApiDeps, handleApiRequest } from '../provisioning/api-handler';
import { provisioningRuntime } from '../provisioning/provisioning-runtime';
import type { RequestSchema } from '../provisioning/request-schema';

const logger = createLogger('mlops-provision');

/** The one request schema, shared with the CLI and the config-file trigger. */
export const REQUEST_SCHEMA: RequestSchema = {
  parseJsonDocument,
  validatePipelineRequest,
  fromV1ProvisionRequest,
  fromV1StatusRequest,
  referencedObjects,
};

let deps: ApiDeps | undefined;

/**
 * Clients and settings, made on the first request and kept while the
 * instance is warm (connections and credentials are reused). Made lazily so a
 * settings fault is answered as a 500 like any other, not a crashed init.
 */
function apiDeps(): ApiDeps {
  if (!deps) {
    const runtime = provisioningRuntime(logger);
    deps = { ...runtime, sagemaker: new SageMakerClient({ region: runtime.region }), schema: REQUEST_SCHEMA };
  }
  return deps;
}

/** API Gateway REST proxy entry point of the provisioning API. */
export async function handler(event: APIGatewayProxyEvent, context?: Pick<Context, 'awsRequestId'>): Promise<APIGatewayProxyResult> {
  const requestId = event?.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
  let ready: ApiDeps;
  try {
    ready = apiDeps();
  } catch (err) {
    logger.error('Provisioning handler is misconfigured', { requestId, error: err as Error });
    return faultResponse(err, requestId);
  }
  return handleApiRequest(event, ready, requestId);
}

/** Forgets the clients and settings: tests change the environment between cases. */
export function resetForTests(): void {
  deps = undefined;
}
