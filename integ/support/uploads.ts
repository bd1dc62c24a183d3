import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { IConstruct } from 'constructs';

/** The versioned bucket an integ test's pipeline reads from; emptied and deleted with the test. */
export function integBucket(stack: Stack, id = 'Models'): s3.Bucket {
  return new s3.Bucket(stack, id, {
    versioned: true,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
}

/**
 * Uploads files (made deterministically, so the asset hash in the snapshot is
 * stable) once `after` exists: the pipeline and its EventBridge rule, so the
 * upload starts a release.
 */
export function uploadAfter(stack: Stack, id: string, bucket: s3.IBucket, prefix: string, files: Record<string, Buffer>, after: IConstruct): void {
  const dir = mkdtempSync(join(tmpdir(), 'integ-upload-'));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), content);
  }
  const upload = new s3deploy.BucketDeployment(stack, id, {
    destinationBucket: bucket,
    destinationKeyPrefix: prefix,
    sources: [s3deploy.Source.asset(dir)],
    extract: true,
  });
  upload.node.addDependency(after);
}
