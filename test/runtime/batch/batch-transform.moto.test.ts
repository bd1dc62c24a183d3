import { DescribeTransformJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { OUTPUT_BUCKET, transformRequest } from './batch-fixtures';
import { releaseId } from '../../../src/contract/naming';
import { continueTransform, startTransform, transformJobName } from '../../../src/runtime/batch-transform';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { batchDeploy } from '../../aws-contracts/worlds/batch-world';

// Transforms run in the deploy function of a batch pipeline (its `nightly` environment, as the fixtures name it).
checkHandlerCallsAs(batchDeploy);

/**
 * Transform jobs against the suite's shared moto. moto 5.2.5 implements
 * CreateTransformJob and DescribeTransformJob, but a job is `Completed` the
 * moment it is created, writes no output, does not check that the model
 * exists, and replaces an existing job of the same name instead of refusing
 * it (real SageMaker answers ResourceInUse). So these tests cover the request
 * SageMaker receives, the one-call completion path and idempotent starts;
 * the in-progress, failed and duplicate paths are in the faults tests.
 */
const sagemaker = new SageMakerClient({ endpoint: process.env.MOTO_ENDPOINT, region: 'us-east-1' });

function describeJob(job: string) {
  return sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: job }));
}

test('a start creates the release job with the release model, the spec, and an output folder of its own', async () => {
  const request = transformRequest('exec-moto-create');
  const outcome = await startTransform(request, sagemaker);

  const job = transformJobName(request.spec, 'exec-moto-create');
  const output = `s3://${OUTPUT_BUCKET}/scores/${releaseId('exec-moto-create')}/`;
  expect(outcome).toEqual({ kind: 'in-progress', state: { phase: 'awaiting-job', job, output }, message: expect.stringMatching(/^Started transform job/) });
  expect(await describeJob(job)).toMatchObject({
    ModelName: job,
    TransformInput: { ContentType: 'text/csv', SplitType: 'Line', DataSource: { S3DataSource: { S3Uri: 's3://batch-input/scoring/' } } },
    TransformOutput: { S3OutputPath: output, AssembleWith: 'Line', Accept: 'application/jsonlines' },
    TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 2 },
    MaxPayloadInMB: 6,
    MaxConcurrentTransforms: 4,
  });
});

test('the next call sees the job Completed (moto completes at once) and reports the output folder', async () => {
  const request = transformRequest('exec-moto-complete');
  const started = await startTransform(request, sagemaker);
  if (started.kind !== 'in-progress') throw new Error(`expected in-progress, got ${started.message}`);

  const outcome = await continueTransform(request, started.state, sagemaker);
  expect(outcome).toMatchObject({ kind: 'succeeded', job: started.state.job, output: started.state.output });
  expect(outcome.message).toMatch(/completed; output in s3:\/\/batch-output\/scores\/r[0-9a-f]{10}\/$/);
});

test('a retried start of the same execution follows the existing job instead of creating it again', async () => {
  const request = transformRequest('exec-moto-retry');
  await startTransform(request, sagemaker);
  const job = transformJobName(request.spec, 'exec-moto-retry');
  const first = await describeJob(job);
  // moto would silently replace the job on a second create; a new creation time would show it.
  await new Promise((resolve) => setTimeout(resolve, 1100));

  const retried = await startTransform(request, sagemaker);
  expect(retried.kind).toBe('succeeded');
  expect((await describeJob(job)).CreationTime).toEqual(first.CreationTime);
});

test('another execution gets another job and output folder, so releases never overwrite each other', async () => {
  const a = await startTransform(transformRequest('exec-moto-a'), sagemaker);
  const b = await startTransform(transformRequest('exec-moto-b'), sagemaker);
  if (a.kind !== 'in-progress' || b.kind !== 'in-progress') throw new Error('expected both started');
  expect(a.state.job).not.toBe(b.state.job);
  expect(a.state.output).not.toBe(b.state.output);
});

test('a job SageMaker does not know is started again on the next call', async () => {
  const request = transformRequest('exec-moto-vanished');
  const state = { phase: 'awaiting-job' as const, job: transformJobName(request.spec, 'exec-moto-vanished'), output: 's3://batch-output/scores/x/' };
  const outcome = await continueTransform(request, state, sagemaker);
  expect(outcome.kind).toBe('in-progress');
  expect(outcome.message).toMatch(/^Started transform job/);
  await expect(describeJob(state.job)).resolves.toMatchObject({ TransformJobStatus: 'Completed' });
});
