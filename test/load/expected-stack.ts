import type { PipelineRequest } from '../../src/config/pipeline-request';
import { blueprintStackInput } from '../../src/blueprint/blueprint-input';
import { REQUEST_HASH_TAG } from '../../src/contract/stack-tags';
import type { ApiDeps } from '../../src/runtime/provisioning/api-handler';
import { requestSha256 } from '../../src/runtime/provisioning/request-fingerprint';
import type { StackRecord } from '../framework/provision/moto-world';

/**
 * True when the stack holds exactly what the handler asks CloudFormation for
 * this request: the blueprint parameters, and the request's hash as its tag.
 * Both at once: a stack with one request's parameters and another's hash
 * would be an update torn between two requests.
 */
export function holdsRequest(stack: StackRecord, request: PipelineRequest, deps: ApiDeps): boolean {
  const input = blueprintStackInput(request, deps.settings, deps.region);
  const parameters = input.parameters.map((p) => `${p.ParameterKey}=${p.ParameterValue}`).sort();
  return JSON.stringify(stack.parameters) === JSON.stringify(parameters)
    && (stack.tags ?? []).includes(`${REQUEST_HASH_TAG}=${requestSha256(request)}`);
}
