import { App, Duration, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ChurnModelStack, EXAMPLE_ENV, KNOWN_CUSTOMERS, MlopsPlatformStack, teamBucket } from '../examples/app';
import { ByomPipeline, Framework, ModelArtifact, ModelImage, TrafficShift } from '../src';

/**
 * A team stack with `count` pipelines of three environments each, configured
 * as examples/app.ts configures the churn model's dev, staging and prod (its
 * drift detection and batch environment are measured on their own, by the
 * `churn` stack): a tested dev endpoint, a serverless staging endpoint, an
 * approved, autoscaled prod endpoint taking canary releases with data capture.
 * All pipelines share the team's upload bucket, each under its own key.
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
        environments: [
          { name: 'dev', instanceType: 'ml.m5.large', tests: KNOWN_CUSTOMERS },
          { name: 'staging', serverless: { memorySizeMb: 2048, maxConcurrency: 5 } },
          {
            name: 'prod',
            approval: true,
            instanceType: 'ml.m5.xlarge',
            instanceCount: 2,
            autoScaling: { maxInstances: 8, targetInvocationsPerInstance: 500 },
            trafficShift: TrafficShift.canary(10, Duration.minutes(10)),
            dataCapture: { samplingPercentage: 20 },
            tests: KNOWN_CUSTOMERS,
          },
        ],
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
