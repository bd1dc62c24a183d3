/** The S3 objects a request points at, checked for existence before anything is created. */
import { PipelineRequest } from './pipeline-request';

/** An object a request names, and where in the request it does. */
export interface ReferencedObject {
  readonly path: string;
  readonly key: string;
}

/**
 * The keys in the assets bucket a valid request depends on (the model
 * artifact, the container source), each with its request path, so the
 * handler can answer 422 naming the field of a missing object.
 */
export function referencedObjects(request: PipelineRequest): ReferencedObject[] {
  const objects: ReferencedObject[] = [{ path: 'artifact', key: request.artifact }];
  if ('containerSource' in request.image) {
    objects.push({ path: 'image.containerSource', key: request.image.containerSource });
  }
  return objects;
}
