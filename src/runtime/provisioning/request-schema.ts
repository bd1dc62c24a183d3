import type { PipelineRequest, Problem, Validated } from '../../config/pipeline-request';
import type { ReferencedObject } from '../../config/referenced-objects';

/**
 * What the provisioning handler needs of the request schema (`src/config`).
 * Passed in rather than imported, so the routing and AWS logic depend on the
 * schema's contract only, and tests can hold the schema still while checking
 * the handler.
 */
export interface RequestSchema {
  /** Parses a request body, refusing what is not JSON or is too large, each reason as a problem. */
  parseJsonDocument(text: string, options?: { maxBytes?: number }): Validated<unknown>;
  validatePipelineRequest(input: unknown): Validated<PipelineRequest>;
  /** Maps a v1.0 `/provisionpipeline` body; problems name the v1 keys. */
  fromV1ProvisionRequest(input: unknown): Validated<PipelineRequest>;
  /** Reads a v1.0 `/pipelinestatus` body. */
  fromV1StatusRequest(input: unknown): Validated<{ pipelineId: string }>;
  /** The assets-bucket objects a valid request points at, which must exist before anything is created. */
  referencedObjects(request: PipelineRequest): ReferencedObject[];
}

export type { PipelineRequest, Problem, ReferencedObject, Validated };
