/** The S3 objects a request points at, checked for existence before anything is created. */
import type { PipelineRequest } from './pipeline-request';
import { pathText } from './problems';

/**
 * An object a request names, and where in the request it does. A `prefix`
 * (a batch environment's input) names every object whose key starts with
 * it: it exists when at least one such object does.
 */
export interface ReferencedObject {
  readonly path: string;
  readonly key: string;
  readonly kind: 'object' | 'prefix';
}

/**
 * The keys in the assets bucket a valid request depends on (the model
 * artifact, the container source, each monitored environment's baseline
 * dataset, a batch environment's input), each with its request path, so the
 * handler can answer 422 naming the field of a missing object.
 */
export function referencedObjects(request: PipelineRequest): ReferencedObject[] {
  const objects: ReferencedObject[] = [{ path: 'artifact', key: request.artifact, kind: 'object' }];
  if ('containerSource' in request.image) {
    objects.push({ path: 'image.containerSource', key: request.image.containerSource, kind: 'object' });
  }
  request.environments.forEach((env, i) => {
    const at = (key: string): string => pathText(['environments', i, ...key.split('.')]);
    if (env.monitoring) {
      objects.push({ path: at('monitoring.baselineDataset'), key: env.monitoring.baselineDataset, kind: 'object' });
    }
    if (env.batch) {
      objects.push({ path: at('batch.input'), key: env.batch.input, kind: 'prefix' });
    }
  });
  return objects;
}
