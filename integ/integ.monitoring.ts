/**
 * Drift detection: uploading a model artifact starts the pipeline, which
 * releases it to a monitored environment; its Monitor stage computes a
 * baseline from the uploaded training sample and points the environment's
 * data-quality schedule at it. The assertions wait for the endpoint, send it
 * a request (so there is captured traffic), then check the schedule runs on a
 * baseline the pipeline made and that the drift alarms exist.
 *
 * Offline (the test suite): integ-runner checks this app still synthesizes to
 * the committed snapshot. Deploying for real needs AWS credentials (and an
 * account that may use SageMaker Model Monitor):
 *   npx projen integ -- --force integ/integ.monitoring.ts
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { ByomPipeline, DatasetFormat, DriftCheckFrequency, Framework, ModelArtifact, ModelImage } from '../src';
import { expectEndpointAnswers } from './support/endpoint-assertions';
import { integBucket, uploadAfter } from './support/uploads';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';

const app = new App();
const stack = new Stack(app, 'MlopsMonitoring');
const models = integBucket(stack);

/** A training sample of the one-tree model's two features, label first (Model Monitor's convention). */
const TRAINING_SAMPLE = ['label,f0,f1', ...Array.from({ length: 40 }, (_, i) => {
  const f0 = (i % 10) / 10;
  return `${f0 >= 0.5 ? 1 : 0},${f0.toFixed(1)},${((i * 7) % 10 / 10).toFixed(1)}`;
})].join('\n') + '\n';

const pipeline = new ByomPipeline(stack, 'Churn', {
  modelName: 'integ-monitoring',
  artifact: ModelArtifact.fromBucket(models, 'churn/model.tar.gz'),
  image: ModelImage.fromFramework(Framework.XGBOOST, '1.7-1'),
  environments: [{
    name: 'prod',
    instanceType: 'ml.m5.large',
    monitoring: {
      baselineDataset: { bucket: models, prefix: 'churn/baseline/train.csv' },
      datasetFormat: DatasetFormat.csv({ header: true }),
      frequency: DriftCheckFrequency.HOURLY,
    },
  }],
  bucketRemovalPolicy: RemovalPolicy.DESTROY,
});
const prod = pipeline.environments[0];

// The training sample first, so the Monitor stage finds it when the artifact starts a release.
uploadAfter(stack, 'UploadBaseline', models, 'churn/baseline/', { 'train.csv': Buffer.from(TRAINING_SAMPLE) }, pipeline);
uploadAfter(stack, 'UploadModel', models, 'churn/', { 'model.tar.gz': xgboostModelArtifact() }, stack.node.findChild('UploadBaseline'));

const integ = new IntegTest(app, 'Monitoring', { testCases: [stack] });

const invoke = expectEndpointAnswers(integ, pipeline.endpointName('prod'), '0.7,1.0', '^1(\\.0*)?\\s*$', Duration.minutes(45));

// The Monitor stage ran after Share: the schedule exists, runs hourly on a
// data-quality job definition of this environment, and watches the endpoint.
const schedule = integ.assertions
  .awsApiCall('SageMaker', 'describeMonitoringSchedule', { MonitoringScheduleName: prod.monitoringScheduleName! })
  .expect(ExpectedResult.objectLike({
    MonitoringScheduleStatus: 'Scheduled',
    MonitoringType: 'DataQuality',
    EndpointName: prod.endpointName,
    MonitoringScheduleConfig: {
      ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' },
      MonitoringJobDefinitionName: Match.stringLikeRegexp(`^${prod.endpointName}-dq-b[0-9a-f]+$`),
    },
  }))
  .waitForAssertions({ totalTimeout: Duration.minutes(45), interval: Duration.minutes(1) });

// Both drift alarms exist and notify the pipeline's topic.
const alarms = integ.assertions
  .awsApiCall('CloudWatch', 'describeAlarms', { AlarmNames: [`${prod.monitoringScheduleName}-violations`, `${prod.monitoringScheduleName}-failures`] })
  .expect(ExpectedResult.objectLike({
    MetricAlarms: [
      Match.objectLike({ AlarmName: `${prod.monitoringScheduleName}-failures`, AlarmActions: [pipeline.topic.topicArn] }),
      Match.objectLike({ AlarmName: `${prod.monitoringScheduleName}-violations`, AlarmActions: [pipeline.topic.topicArn] }),
    ],
  }));
invoke.next(schedule).next(alarms);
