import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { isNotFound } from '../aws-errors';
import type { Problem, ReferencedObject } from './request-schema';

/**
 * Whether a referenced object exists: HeadObject for an object; for a prefix,
 * a one-key ListObjectsV2. A "folder" object whose key is the prefix itself
 * (what the S3 console's "Create folder" makes) is skipped: it holds no data.
 */
async function exists(s3: S3Client, bucket: string, object: ReferencedObject): Promise<boolean> {
  if (object.kind === 'prefix') {
    const listed = await s3.send(new ListObjectsV2Command({
      Bucket: bucket,
      Prefix: object.key,
      MaxKeys: 1,
      ...(object.key.endsWith('/') ? { StartAfter: object.key } : {}),
    }));
    return (listed.Contents?.length ?? 0) > 0;
  }
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: object.key }));
    return true;
  } catch (err) {
    if (isNotFound(err)) {
      return false;
    }
    throw err;
  }
}

function missing(bucket: string, object: ReferencedObject): Problem {
  return object.kind === 'prefix'
    ? { path: object.path, message: `no object in the assets bucket has a key starting with s3://${bucket}/${object.key}` }
    : { path: object.path, message: `s3://${bucket}/${object.key} does not exist in the assets bucket` };
}

/**
 * A problem for each referenced object (or prefix with no object under it)
 * that is not in the assets bucket. Reads only: checking never writes. Any
 * other S3 error (throttling, access denied) is thrown, since it says nothing
 * about the request.
 */
export async function missingObjects(s3: S3Client, bucket: string, objects: readonly ReferencedObject[]): Promise<Problem[]> {
  const found = await Promise.all(objects.map((object) => exists(s3, bucket, object)));
  return objects.filter((_, i) => !found[i]).map((object) => missing(bucket, object));
}
