import { batchWorld, BATCH_NAMES } from './batch-world';
import { deploySettings, environmentDeploySpec } from './handler-settings';
import { deploySpec, envSpec } from '../../pipeline/deploy/deploy-fixtures';
import { batchSpec, INPUT_BUCKET, OUTPUT_BUCKET } from '../../runtime/batch/batch-fixtures';

/**
 * The batch world is the deployment the batch fixtures' calls are evaluated
 * in: its deploy function must be told the same resources the fixtures name,
 * or the evaluation would judge another deployment's calls.
 */
test('the deploy settings name the fixtures\' pipeline and model artifact', () => {
  const { pipelineName, artifact } = deploySpec();
  expect(deploySettings(batchWorld())).toMatchObject({ pipelineName, artifact });
});

test('dev releases as the deploy fixtures\' dev does, transforming the batch fixtures\' input into their output', () => {
  const dev = envSpec();
  expect(environmentDeploySpec(batchWorld(), 'dev')).toMatchObject({
    endpointName: dev.endpointName,
    releasePrefix: dev.releasePrefix,
    executionRoleArn: dev.executionRoleArn,
    releaseBucket: dev.releaseBucket,
    releaseKeyPrefix: dev.releaseKeyPrefix,
    batch: { inputS3Uri: batchSpec().inputS3Uri, outputS3Uri: batchSpec().outputS3Uri },
  });
});

test('nightly runs the transform fixtures\' releases over the same input and output', () => {
  const transform = batchSpec();
  expect(environmentDeploySpec(batchWorld(), 'nightly')).toMatchObject({
    releasePrefix: transform.releasePrefix,
    batch: { inputS3Uri: transform.inputS3Uri, outputS3Uri: transform.outputS3Uri },
  });
  expect(transform.outputS3Uri).toBe(`s3://${OUTPUT_BUCKET}/${BATCH_NAMES.outputPrefix}`);
  expect(transform.inputS3Uri).toBe(`s3://${INPUT_BUCKET}/${BATCH_NAMES.inputPrefix}`);
});
