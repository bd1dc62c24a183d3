/**
 * The consumer app, written in TypeScript: what the Python, Java and Go
 * consumer apps in this folder write in their own languages, construct for
 * construct, prop for prop. Each synthesizes the same stack; the consumer
 * tests compare their templates with this one's.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ByomPipeline, Framework, IntegrationTests, MlopsFramework, ModelArtifact, ModelImage } from '../../src';

/** The stack every consumer app synthesizes. */
export const CONSUMER_STACK = 'ConsumerStack';

export function synthReferenceApp(outdir: string): any {
  const app = new App({ outdir });
  const stack = new Stack(app, CONSUMER_STACK, { env: { account: '111111111111', region: 'us-east-1' } });
  new MlopsFramework(stack, 'Mlops', { notificationEmails: ['platform@example.com'] });
  const models = new s3.Bucket(stack, 'Models', { versioned: true, enforceSSL: true });
  new ByomPipeline(stack, 'Churn', {
    modelName: 'churn',
    artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
    image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
    environments: [
      {
        name: 'dev',
        instanceType: 'ml.m5.large',
        tests: IntegrationTests.requests([{ name: 'scores', body: '1,2', contentType: 'text/csv', expect: { status: 200 } }]),
      },
      { name: 'prod', approval: true, instanceCount: 2 },
    ],
  });
  return app.synth().getStackByName(CONSUMER_STACK).template;
}
