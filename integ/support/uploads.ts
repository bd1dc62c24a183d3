import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { IConstruct } from 'constructs';
import { newestNodeRuntime } from '../../src/common/lambda-runtime';
import { acknowledgeRule, justifyWildcards } from '../../src/nag/acknowledgements';
import { removeRedundantDependsOn } from '../../src/common/redundant-dependencies';

/** The versioned bucket an integ test's pipeline reads from; emptied and deleted with the test. */
export function integBucket(stack: Stack, id = 'Models'): s3.Bucket {
  const bucket = new s3.Bucket(stack, id, {
    versioned: true,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    removalPolicy: RemovalPolicy.DESTROY,
    autoDeleteObjects: true,
  });
  acknowledgeRule(bucket, 'AwsSolutions-S1', 'The integ test\'s own bucket, holding only the files the test uploads and deleted with the test');
  // The test's scaffolding (this bucket's auto-delete provider, the uploads)
  // is linted with the product: no DependsOn a reference already implies,
  // and the provider on the Node.js the library's functions use, not the
  // deprecated one older aws-cdk-lib versions give it.
  removeRedundantDependsOn(stack);
  const provider = stack.node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
  const handler = provider?.node.tryFindChild('Handler');
  if (handler instanceof CfnResource) {
    handler.addPropertyOverride('Runtime', newestNodeRuntime().name);
  }
  return bucket;
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
  acknowledgeDeploymentHandler(stack);
}

/** CDK's BucketDeployment handler (one per stack) is test scaffolding whose function, role and grants CDK chooses. */
function acknowledgeDeploymentHandler(stack: Stack): void {
  for (const handler of stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'))) {
    acknowledgeRule(handler, 'AwsSolutions-L1', 'CDK picks the runtime of its BucketDeployment handler, which only uploads the integ test\'s files');
    acknowledgeRule(handler, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'CDK\'s BucketDeployment handler writes its own logs through the AWS managed basic-execution policy');
    justifyWildcards(handler, [
      { finding: /^Action::s3:(Abort|DeleteObject|GetBucket|GetObject|List)\*$/, reason: 'CDK\'s read/write grant for copying the test files from its asset bucket to the test\'s bucket' },
      { finding: /^Resource::(<[A-Za-z0-9]+\.Arn>|arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-[^/]+)\/\*$/, reason: 'The objects of the CDK asset bucket the files come from and of the test\'s own bucket' },
    ]);
  }
}
