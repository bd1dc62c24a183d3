import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isNotFound } from '../aws-errors';
import type { Problem, ReferencedObject } from './request-schema';

/**
 * A problem for each referenced object that is not in the assets bucket.
 * HeadObject only: checking never writes. Any other S3 error (throttling,
 * access denied) is thrown, since it says nothing about the request.
 */
export async function missingObjects(s3: S3Client, bucket: string, objects: readonly ReferencedObject[]): Promise<Problem[]> {
  const found = await Promise.all(objects.map(async (object) => {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: object.key }));
      return undefined;
    } catch (err) {
      if (isNotFound(err)) {
        return { path: object.path, message: `s3://${bucket}/${object.key} does not exist in the assets bucket` };
      }
      throw err;
    }
  }));
  return found.filter((p): p is Problem => p !== undefined);
}
