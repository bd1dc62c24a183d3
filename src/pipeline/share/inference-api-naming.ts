/**
 * Names of an environment's inference API that both sides derive: the
 * pipeline (which tells its share handler where the API is) and an
 * environment's `MlopsEnvironmentAccess` (which creates the API in another
 * account). Not exported from the package: users read `InferenceApi.restApi`.
 */

/** The REST API name of an environment's inference API, derived from the endpoint's name. */
export function inferenceApiName(endpointName: string): string {
  return `${endpointName}-inference`;
}

/** The stage every inference API serves from. */
export const INFERENCE_API_STAGE = 'v1';
