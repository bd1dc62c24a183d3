import { Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * Whether a bucket keeps object versions, as CodePipeline's S3 source needs.
 * A bucket imported into the app cannot be inspected and counts as versioned.
 */
export function isVersioned(bucket: s3.IBucket): boolean {
  const cfn = bucket.node.defaultChild;
  if (!(cfn instanceof s3.CfnBucket)) {
    // An imported bucket: its versioning cannot be seen at synth time.
    return true;
  }
  const versioning = Stack.of(bucket).resolve(cfn.versioningConfiguration);
  return versioning?.status === 'Enabled' || Token.isUnresolved(cfn.versioningConfiguration);
}
