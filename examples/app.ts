import { App, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ByomPipeline, DriftCheckFrequency, EnvironmentProps, Framework, IntegrationTests, MlopsFramework, ModelArtifact, ModelImage, TrafficShift } from '../src';

/**
 * Two customers whose churn risk the team knows, scored after each release of
 * dev and prod: a release that no longer tells them apart, answers in another
 * shape or too slowly goes no further, and the environment returns to the
 * release that served before it. The model reads CSV rows of tenure (months),
 * monthly charges, support calls in the last 90 days and contract length
 * (months); asked for JSON, the XGBoost container answers
 * `{"predictions":[{"score":<churn probability>}]}`.
 */
export const KNOWN_CUSTOMERS = IntegrationTests.requests([
  {
    // Two months in, monthly contract, six support calls.
    name: 'likely to churn',
    body: '2,89.5,6,1',
    contentType: 'text/csv',
    accept: 'application/json',
    expect: { jsonPath: [{ path: '$.predictions[0].score', min: 0.5, max: 1 }], maxLatency: Duration.seconds(2) },
  },
  {
    // Five years in, two-year contract, no support calls.
    name: 'loyal customer',
    body: '60,35.0,0,24',
    contentType: 'text/csv',
    accept: 'application/json',
    expect: { jsonPath: [{ path: '$.predictions[0].score', min: 0, max: 0.5 }], maxLatency: Duration.seconds(2) },
  },
]);

/**
 * The versioned bucket a team's training job (or the team) uploads model
 * artifacts and container sources to: private, TLS-only, encrypted, logged, kept.
 */
export function teamBucket(scope: Construct, id: string): s3.Bucket {
  return new s3.Bucket(scope, id, {
    versioned: true,
    enforceSSL: true,
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    serverAccessLogsPrefix: 'access-logs/',
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * How the churn model is released: to a tested dev endpoint, a serverless
 * staging endpoint, then, once someone approves, an autoscaled prod endpoint
 * that takes new releases as a canary and is tested again once it serves them.
 * (The benchmarks build stacks of many pipelines released this way.)
 */
export function releaseEnvironments(): [EnvironmentProps, EnvironmentProps, EnvironmentProps] {
  return [
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
      tags: { 'cost-center': 'ml-platform' },
      tests: KNOWN_CUSTOMERS,
    },
  ];
}

/**
 * A team's model stack: the versioned bucket their training job writes
 * `churn/model.tar.gz` to, and the pipeline that takes each new version to a
 * tested dev endpoint, a serverless staging endpoint, then, once someone
 * approves, an autoscaled prod endpoint that takes new releases as a canary,
 * is tested again once it serves them and is watched for drift (each release
 * computes a baseline from `churn/baseline.csv`; every hour Model Monitor
 * checks prod's captured traffic against it), and last a batch environment
 * that scores every customer file under `churn/scoring/input/` into
 * `churn/scoring/output/<release id>/` and checks that every score is a probability.
 */
export class ChurnModelStack extends Stack {
  public readonly pipeline: ByomPipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const models = teamBucket(this, 'Models');
    const [dev, staging, prod] = releaseEnvironments();

    this.pipeline = new ByomPipeline(this, 'Churn', {
      modelName: 'churn',
      artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
      image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
      notifications: { emails: ['ml-team@example.com'] },
      environments: [
        dev,
        staging,
        {
          ...prod,
          // churn/baseline.csv: a header row, then per customer the churn score
          // and the four features (Model Monitor wants the prediction column first).
          monitoring: {
            baselineDataset: { bucket: models, prefix: 'churn/baseline.csv' },
            frequency: DriftCheckFrequency.HOURLY,
          },
        },
        {
          // No approval of its own: a release gets here only once prod serves it.
          name: 'scoring',
          instanceType: 'ml.m5.xlarge',
          batch: {
            input: { bucket: models, prefix: 'churn/scoring/input/' },
            output: { bucket: models, prefix: 'churn/scoring/output/' },
            contentType: 'text/csv',
            // Asked for JSON Lines, the XGBoost container writes `{"score":<churn probability>}` per input row.
            accept: 'application/jsonlines',
            check: { minObjects: 1, jsonPath: [{ path: '$.score', min: 0, max: 1 }] },
          },
        },
      ],
    });
  }
}

/**
 * A second team's model with its own inference code: the pipeline builds the
 * container from the Dockerfile zip the team uploads (CodeBuild, into a
 * private ECR repository) before releasing it, to a tested dev endpoint, a
 * serverless staging endpoint and an approved prod endpoint.
 */
export class RecommenderModelStack extends Stack {
  public readonly pipeline: ByomPipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const uploads = teamBucket(this, 'Uploads');
    this.pipeline = new ByomPipeline(this, 'Recommender', {
      modelName: 'recommender',
      artifact: ModelArtifact.fromBucket(uploads, 'recommender/model.tar.gz'),
      image: ModelImage.fromContainerSource(uploads, 'recommender/container.zip'),
      notifications: { emails: ['recsys-team@example.com'] },
      environments: [
        {
          name: 'dev',
          tests: IntegrationTests.requests([{
            name: 'recommends items for a known user',
            body: '{"user":"u-42","count":5}',
            expect: { bodyContains: ['"items"'], jsonPath: [{ path: '$.items[0].score', min: 0, max: 1 }] },
          }]),
        },
        { name: 'staging', serverless: { memorySizeMb: 3072, maxConcurrency: 10 } },
        { name: 'prod', approval: true, instanceType: 'ml.c5.xlarge', instanceCount: 2 },
      ],
    });
  }
}

/**
 * The platform team's stack: the orchestrator other teams provision their
 * pipelines from, by API request (see requests/fraud.json), config file or Git push.
 */
export class MlopsPlatformStack extends Stack {
  public readonly framework: MlopsFramework;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.framework = new MlopsFramework(this, 'Mlops', { notificationEmails: ['platform@example.com'] });
  }
}

/** The account and region the example's stacks are for. */
export const EXAMPLE_ENV = { account: '111111111111', region: 'us-east-1' };

/** An empty app configured as the example's (the benchmarks add their own stacks to one). */
export function exampleApp(outdir?: string): App {
  // The flag `cdk init` sets in new apps: access logs delivered through bucket policies, not ACLs.
  return new App({ outdir, context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } });
}

/** The example app: used by `npm run demo`, the README and the benchmarks. */
export function buildExampleApp(outdir?: string): App {
  const app = exampleApp(outdir);
  const env = EXAMPLE_ENV;
  new MlopsPlatformStack(app, 'MlopsPlatform', { env });
  new ChurnModelStack(app, 'ChurnModel', { env });
  new RecommenderModelStack(app, 'RecommenderModel', { env });
  return app;
}

if (require.main === module) {
  buildExampleApp().synth();
}
