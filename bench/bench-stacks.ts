import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ChurnModelStack, EXAMPLE_ENV, MlopsPlatformStack, releaseEnvironments, teamBucket } from '../examples/app';
import { ByomPipeline, Framework, ModelArtifact, ModelImage } from '../src';

/**
 * A team stack with `count` pipelines of three environments each, released
 * as examples/app.ts releases the churn model (its drift detection and batch
 * environment are measured on their own, by the `churn` stack): a tested dev
 * endpoint, a serverless staging endpoint, an approved, autoscaled prod
 * endpoint taking canary releases with data capture. All pipelines share the
 * team's upload bucket, each under its own key.
 */
export class ThreeEnvironmentPipelinesStack extends Stack {
  constructor(scope: Construct, id: string, count: number, props?: StackProps) {
    super(scope, id, props);
    const models = teamBucket(this, 'Models');
    for (let i = 1; i <= count; i++) {
      const modelName = `model-${i}`;
      new ByomPipeline(this, `Model${i}`, {
        modelName,
        artifact: ModelArtifact.fromBucket(models, `${modelName}/model.tar.gz`),
        image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
        notifications: { emails: ['ml-team@example.com'] },
        environments: releaseEnvironments(),
      });
    }
  }
}

/** The stacks the bench synthesizes, by the name the synth probe takes. */
export const BENCH_STACKS = {
  /** `count` three-environment pipelines in one stack. */
  pipelines: (app: App, count: number) => new ThreeEnvironmentPipelinesStack(app, `Pipelines${count}`, count, { env: EXAMPLE_ENV }),
  /** The example's churn pipeline: dev, staging, prod with drift detection, then a batch environment. */
  churn: (app: App) => new ChurnModelStack(app, 'ChurnModel', { env: EXAMPLE_ENV }),
  /** The example's orchestrator stack (MlopsFramework). */
  framework: (app: App) => new MlopsPlatformStack(app, 'MlopsPlatform', { env: EXAMPLE_ENV }),
};

export type BenchStackKind = keyof typeof BENCH_STACKS;
