import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { MONITORING_PREFIX } from './cleanup-fixtures';
import type { EnvironmentMonitoringSpec } from '../../../src/contract/deploy-settings';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import type { MonitoringSpec } from '../../../src/contract/monitoring-settings';
import { ActingRole, actingAs } from '../../aws-contracts/handler-calls/acting-role';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { xgboostModelArtifact } from '../../fixtures/model-artifact';
import { monitoringSpec } from '../../runtime/monitoring/monitoring-fixtures';
import { deploySpec, envSpec, job, MODEL_BUCKET, RELEASE_BUCKET } from '../deploy/deploy-fixtures';

/**
 * The deploy fixtures' dev environment as its pipeline leaves it: released
 * once through the deploy handler, then its Monitor step run, with the
 * monitoring names derived from MONITORING_PREFIX. For the clean-up's moto
 * tests, on the emulator the clients reach (the buckets are made here). The
 * handler's calls act as `deployer`, the deploy function of the pipeline
 * whose deletion the test runs.
 */
export async function releaseMonitoredDev(
  sagemaker: SageMakerClient,
  s3: S3Client,
  deployer: () => ActingRole,
  monitoringOptions: Partial<MonitoringSpec> = {},
): Promise<void> {
  for (const bucket of [MODEL_BUCKET, RELEASE_BUCKET]) {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  await s3.send(new PutBucketVersioningCommand({ Bucket: MODEL_BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
  const put = await s3.send(new PutObjectCommand({ Bucket: MODEL_BUCKET, Key: 'churn/model.tar.gz', Body: xgboostModelArtifact() }));

  const { endpointName: _e, kmsKeyArn: _k, tags: _t, ...fields } = monitoringSpec({ namePrefix: MONITORING_PREFIX, ...monitoringOptions });
  const monitoring: EnvironmentMonitoringSpec = fields;
  const spec = deploySpec({ dev: envSpec({ monitoring }) });
  const clients = { sagemaker, s3, autoscaling: new ApplicationAutoScalingClient({}) };
  const deployJob = job('exec-1', { artifactVersion: put.VersionId });
  for (const step of ['release', 'monitor']) {
    const stepJob = { ...deployJob, userParameters: { ...deployJob.userParameters, step } };
    const { final } = await actingAs(deployer(), () => runActionToCompletion((j) => runDeployJob(j, spec, clients), stepJob));
    expect(final).toMatchObject({ kind: 'succeeded' });
  }
}
