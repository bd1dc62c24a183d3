import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { enableAccessLogs } from './bucket-access-logs';
import { acknowledgeRule } from '../nag/acknowledgements';

/** Props of {@link createLoggedBucket}; the construct IDs are the caller's, so they never move. */
export interface LoggedBucketProps {
  readonly bucketId: string;
  readonly keyId: string;
  readonly keyDescription: string;
  /** A fixed name, when another account must know it. */
  readonly bucketName?: string;
  readonly versioned: boolean;
  /** The prefix of the bucket's logs in the access-log bucket. */
  readonly logPrefix: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * A bucket encrypted with a key of its own (rotated, S3 Bucket Keys on),
 * TLS-only, public access blocked, owner-enforced, with server access logs
 * in a bucket (`AccessLogs`) next to it.
 */
export function createLoggedBucket(scope: Construct, props: LoggedBucketProps): { readonly bucket: s3.Bucket; readonly key: kms.Key } {
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
    // Server access logs can only be delivered to SSE-S3 buckets.
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: props.removalPolicy,
  });
  acknowledgeRule(accessLogs, 'AwsSolutions-S1', 'This is the access-log bucket; logging its own access would log every log delivery');
  const key = new kms.Key(scope, props.keyId, {
    description: props.keyDescription,
    enableKeyRotation: true,
    removalPolicy: props.removalPolicy,
  });
  const bucket = new s3.Bucket(scope, props.bucketId, {
    bucketName: props.bucketName,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    versioned: props.versioned || undefined,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: props.removalPolicy,
  });
  enableAccessLogs(bucket, accessLogs, props.logPrefix);
  return { bucket, key };
}
