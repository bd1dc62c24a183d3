/**
 * The tags of a pipeline stack the framework provisions. Plain TypeScript:
 * the provisioning handler sends them, and the framework's stack role is
 * written against them. CloudFormation puts stack tags on every resource it
 * creates that takes tags, in the create request itself, so the stack role's
 * tag conditions see them on the request and, afterwards, on the resource.
 */

/** The pipeline (request name) a stack holds. */
export const PIPELINE_TAG = 'mlops:pipeline';
/** The SHA-256 of the request a stack was last provisioned from: retries of one request are recognized by it. */
export const REQUEST_HASH_TAG = 'mlops:request-sha256';
/**
 * The framework a stack belongs to (its stack prefix). The stack role may
 * create KMS keys only with it on the request, and use only keys that carry it.
 */
export const FRAMEWORK_TAG = 'mlops:framework';

/** A stack tag as CloudFormation takes it. */
export interface StackTag {
  readonly Key: string;
  readonly Value: string;
}

/** The tags of a pipeline stack of the framework whose stacks are named `<stackPrefix><name>`. */
export function pipelineStackTags(stackPrefix: string, name: string, requestHash: string): StackTag[] {
  return [
    { Key: PIPELINE_TAG, Value: name },
    { Key: REQUEST_HASH_TAG, Value: requestHash },
    { Key: FRAMEWORK_TAG, Value: stackPrefix },
  ];
}
