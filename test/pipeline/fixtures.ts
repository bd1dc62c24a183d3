import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ByomPipeline, ByomPipelineProps, Framework, ModelArtifact, ModelImage } from '../../src';

/** The region and account the tests synthesize for, unless a test wants an agnostic stack. */
export const TEST_ENV = { account: '111111111111', region: 'us-east-1' };

/** Feature flags `cdk init` sets for new apps that change what the tests check. */
export const MODERN_APP_CONTEXT = { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true };

export function newStack(env: { account?: string; region?: string } = TEST_ENV): Stack {
  return new Stack(new App({ context: MODERN_APP_CONTEXT }), 'Test', { env });
}

/** A stack whose account and region are only known at deploy time. */
export function newAgnosticStack(): Stack {
  return new Stack(new App({ context: MODERN_APP_CONTEXT }), 'Test');
}

/** A versioned, encrypted bucket like the one a team keeps its models in. */
export function modelBucket(stack: Stack, id = 'Models'): s3.Bucket {
  return new s3.Bucket(stack, id, {
    versioned: true,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsPrefix: 'access-logs/',
  });
}

/** Minimal valid props with one environment; spread and override per test. */
export function basicProps(stack: Stack, overrides: Partial<ByomPipelineProps> = {}): ByomPipelineProps {
  return {
    modelName: 'churn',
    artifact: ModelArtifact.fromBucket(modelBucket(stack), 'churn/model.tar.gz'),
    image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
    environments: [{ name: 'dev' }],
    ...overrides,
  };
}

/** An environment's deploy spec as the deploy handler will read it, tokens resolved to CloudFormation intrinsics. */
export function specOf(pipeline: ByomPipeline, environment: string): any {
  return Stack.of(pipeline).resolve(pipeline.environments.find((e) => e.name === environment)!._deploySpec);
}

/** What `run` threw, for the checks a user's catch block would make; fails when nothing was thrown. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  throw new Error('nothing was thrown');
}
