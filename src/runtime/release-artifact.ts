import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { isNotFound } from './aws-errors';

/** S3 copies objects up to 5 GiB in one request; larger ones need a multipart copy. */
const SINGLE_COPY_LIMIT = 5 * 1024 ** 3;
/** Part size of a multipart copy (S3 allows 5 MiB to 5 GiB per part, 10,000 parts). */
const COPY_PART_SIZE = 512 * 1024 ** 2;

export interface ObjectVersion {
  readonly bucket: string;
  readonly key: string;
  /** A version ID, or undefined for the latest. */
  readonly versionId?: string;
}

export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

/** The result of staging: either the release copy exists now, or the source was missing. */
export type StageResult = { readonly staged: true } | { readonly staged: false; readonly reason: string };

async function headOrUndefined(s3: S3Client, where: ObjectVersion) {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: where.bucket, Key: where.key, VersionId: where.versionId }));
  } catch (err) {
    if (isNotFound(err) || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return undefined;
    }
    throw err;
  }
}

function copySource(source: ObjectVersion): string {
  const path = `${source.bucket}/${encodeURIComponent(source.key).replace(/%2F/g, '/')}`;
  return source.versionId ? `${path}?versionId=${encodeURIComponent(source.versionId)}` : path;
}

/**
 * Copies one exact version of the model artifact to the release's own key.
 * SageMaker downloads the artifact again whenever it starts an instance
 * (scaling, patching), so a release must point at a copy nobody overwrites,
 * not at the key users upload new versions to. Idempotent: an existing copy is kept.
 * @param s3 a client in the target bucket's region: S3 takes a copy in the destination's region
 * @param sourceS3 a client in the source bucket's region, for its size (S3 answers a request to
 * another region's endpoint with a 301 redirect, which the SDK does not follow)
 */
export async function stageReleaseArtifact(
  s3: S3Client, source: ObjectVersion, target: ObjectLocation, sourceS3: S3Client = s3,
): Promise<StageResult> {
  if (await headOrUndefined(s3, target)) {
    return { staged: true };
  }
  const head = await headOrUndefined(sourceS3, source);
  if (!head) {
    const version = source.versionId ? ` (version ${source.versionId})` : '';
    return { staged: false, reason: `Model artifact s3://${source.bucket}/${source.key}${version} does not exist or cannot be read` };
  }
  const size = head.ContentLength ?? 0;
  if (size <= SINGLE_COPY_LIMIT) {
    await s3.send(new CopyObjectCommand({ Bucket: target.bucket, Key: target.key, CopySource: copySource(source) }));
  } else {
    await multipartCopy(s3, source, target, size);
  }
  return { staged: true };
}

async function multipartCopy(s3: S3Client, source: ObjectVersion, target: ObjectLocation, size: number): Promise<void> {
  const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: target.key }));
  const uploadId = upload.UploadId!;
  try {
    const parts = [];
    for (let start = 0, part = 1; start < size; start += COPY_PART_SIZE, part++) {
      const end = Math.min(start + COPY_PART_SIZE, size) - 1;
      const copied = await s3.send(new UploadPartCopyCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        PartNumber: part,
        CopySource: copySource(source),
        CopySourceRange: `bytes=${start}-${end}`,
      }));
      parts.push({ PartNumber: part, ETag: copied.CopyPartResult?.ETag });
    }
    await s3.send(new CompleteMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts },
    }));
  } catch (err) {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId })).catch(() => undefined);
    throw err;
  }
}
