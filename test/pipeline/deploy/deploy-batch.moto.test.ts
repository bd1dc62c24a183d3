import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CreateBucketCommand, HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateTransformJobCommand,
  DescribeModelCommand,
  DescribeTransformJobCommand,
  ListModelsCommand,
  ListTransformJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { deploySpec, envSpec, job, MODEL_BUCKET, RELEASE_BUCKET } from './deploy-fixtures';
import type { BatchEnvironmentSpec, BatchOutputCheckSpec } from '../../../src/contract/batch-settings';
import type { DeploySpec } from '../../../src/contract/deploy-settings';
import { releaseId, releaseName } from '../../../src/contract/naming';
import type { ActionOutcome, CodePipelineJob } from '../../../src/runtime/codepipeline-job';
import { runDeployJob } from '../../../src/runtime/handlers/deploy.lambda';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { batchDeploy } from '../../aws-contracts/worlds/batch-world';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { xgboostModelArtifact } from '../../fixtures/model-artifact';
import { ownMotoServer } from '../../harness/own-moto-server';
import { batchSpec, INPUT_BUCKET, OUTPUT_BUCKET } from '../../runtime/batch/batch-fixtures';

checkHandlerCallsAs(batchDeploy);

/**
 * A batch environment's Deploy and Test actions through the deploy handler
 * against moto. moto completes a transform job the moment it is created and
 * writes no output, so each release takes two calls and the output check's
 * tests write what SageMaker would (one `.out` object per input object, one
 * JSON line per record). This file resets the emulator between tests, so it
 * runs its own server rather than the suite's shared one.
 */
ownMotoServer();
let clients: { sagemaker: SageMakerClient; s3: S3Client; autoscaling: ApplicationAutoScalingClient };

const SCORE = { jsonPath: [{ path: '$.score', min: 0, max: 1 }] };

beforeAll(() => {
  clients = { sagemaker: new SageMakerClient({}), s3: new S3Client({}), autoscaling: new ApplicationAutoScalingClient({}) };
});

beforeEach(async () => {
  for (const bucket of [MODEL_BUCKET, RELEASE_BUCKET, INPUT_BUCKET, OUTPUT_BUCKET]) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  await clients.s3.send(new PutBucketVersioningCommand({ Bucket: MODEL_BUCKET, VersioningConfiguration: { Status: 'Enabled' } }));
});

/** The batch part of an environment's deploy spec, as the construct writes it, from the transform fixture. */
function batchEnvironment(check: BatchOutputCheckSpec = { minObjects: 1 }): BatchEnvironmentSpec {
  const { releasePrefix: _p, instanceType: _t, instanceCount: _c, kmsKeyArn: _k, tags: _g, ...transform } = batchSpec();
  return { ...transform, check };
}

/** The dev environment as a batch environment: three ml.c5.xlarge instances per transform. */
function batchDeploySpec(options: { keepReleases?: number; check?: BatchOutputCheckSpec } = {}): DeploySpec {
  return deploySpec({
    dev: envSpec({ instanceType: 'ml.c5.xlarge', initialInstanceCount: 3, keepReleases: options.keepReleases ?? 1, batch: batchEnvironment(options.check) }),
  });
}

async function uploadModel(): Promise<string> {
  const put = await clients.s3.send(new PutObjectCommand({ Bucket: MODEL_BUCKET, Key: 'churn/model.tar.gz', Body: xgboostModelArtifact() }));
  return put.VersionId!;
}

/** One Deploy action of `executionId`, run to its end as CodePipeline would, on a freshly uploaded artifact version. */
async function release(executionId: string, spec = batchDeploySpec()) {
  const artifactVersion = await uploadModel();
  return runActionToCompletion((j) => runDeployJob(j, spec, clients), job(executionId, { artifactVersion }));
}

/** The Test action of a batch environment: `check-output` on the folder the Deploy action named. */
function checkOutputJob(executionId: string, outputUri: string): CodePipelineJob {
  const deployJob = job(executionId);
  return { ...deployJob, userParameters: { ...deployJob.userParameters, step: 'check-output', outputUri } };
}

function outputUriOf(outcome: ActionOutcome): string {
  if (outcome.kind !== 'succeeded' || !outcome.outputVariables) {
    throw new Error(`expected a finished release, got ${outcome.kind}: ${outcome.message}`);
  }
  return outcome.outputVariables.OutputUri;
}

/** Writes an output object as SageMaker's transform would: one JSON line per record. */
async function putOutput(outputUri: string, name: string, scores: number[]): Promise<void> {
  const key = `${outputUri.replace(`s3://${OUTPUT_BUCKET}/`, '')}${name}`;
  const body = scores.map((score, id) => JSON.stringify({ id, score })).join('\n') + '\n';
  await clients.s3.send(new PutObjectCommand({ Bucket: OUTPUT_BUCKET, Key: key, Body: Buffer.from(body), ContentLength: Buffer.byteLength(body) }));
}

async function releaseModels(): Promise<string[]> {
  const listed = await clients.sagemaker.send(new ListModelsCommand({ NameContains: 'churn-dev' }));
  return (listed.Models ?? []).map((m) => m.ModelName!).sort();
}

describe('batch release', () => {
  test('a release creates the release model on the staged artifact and a transform job of the same name over the environment\'s input', async () => {
    const { final, steps } = await release('exec-batch');

    const name = releaseName('churn-dev', releaseId('exec-batch'));
    const output = `s3://${OUTPUT_BUCKET}/scores/${releaseId('exec-batch')}/`;
    // Started, then found Completed (moto completes at once).
    expect(steps.map((s) => s.outcome.kind)).toEqual(['in-progress', 'succeeded']);
    expect(final).toMatchObject({
      kind: 'succeeded',
      outputVariables: { ModelName: name, TransformJobName: name, OutputUri: output },
    });

    const stagedKey = `releases/churn-dev/${name}/model.tar.gz`;
    await expect(clients.s3.send(new HeadObjectCommand({ Bucket: RELEASE_BUCKET, Key: stagedKey }))).resolves.toBeDefined();
    const model = await clients.sagemaker.send(new DescribeModelCommand({ ModelName: name }));
    expect(model.PrimaryContainer).toMatchObject({ Image: envSpec().imageUri, ModelDataUrl: `s3://${RELEASE_BUCKET}/${stagedKey}` });

    const transform = await clients.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: name }));
    expect(transform).toMatchObject({
      ModelName: name,
      TransformInput: { ContentType: 'text/csv', SplitType: 'Line', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${INPUT_BUCKET}/scoring/` } } },
      TransformOutput: { S3OutputPath: output, AssembleWith: 'Line' },
      TransformResources: { InstanceType: 'ml.c5.xlarge', InstanceCount: 3 },
    });
  });

  test('later releases remove the release models older than keepReleases, and each writes to a folder of its own', async () => {
    const names = ['exec-1', 'exec-2', 'exec-3'].map((e) => releaseName('churn-dev', releaseId(e)));

    const first = await release('exec-1');
    const second = await release('exec-2');
    // keepReleases 1: the first release is still the one kept besides the current.
    expect(second.final.message).not.toMatch(/removed old release models/);
    expect(await releaseModels()).toEqual([names[0], names[1]].sort());

    const third = await release('exec-3');
    expect(third.final.kind).toBe('succeeded');
    expect(third.final.message).toContain(`removed old release models ${names[0]}`);
    expect(await releaseModels()).toEqual([names[1], names[2]].sort());

    const outputs = [first, second, third].map((r) => outputUriOf(r.final));
    expect(new Set(outputs).size).toBe(3);
    // Transform jobs stay in SageMaker's history.
    const jobs = await clients.sagemaker.send(new ListTransformJobsCommand({ NameContains: 'churn-dev' }));
    expect((jobs.TransformJobSummaries ?? []).map((j) => j.TransformJobName).sort()).toEqual([...names].sort());
  });

  test('with keepReleases 0 every older release model goes, never the current one', async () => {
    const spec = batchDeploySpec({ keepReleases: 0 });
    await release('exec-a', spec);
    const { final } = await release('exec-b', spec);
    expect(final.kind).toBe('succeeded');
    expect(await releaseModels()).toEqual([releaseName('churn-dev', releaseId('exec-b'))]);
  });

  test('a retried Deploy action of the same execution follows the finished transform and creates none', async () => {
    const first = await release('exec-retried');
    const send = jest.spyOn(clients.sagemaker, 'send');
    try {
      const retry = await release('exec-retried');
      expect(retry.steps).toHaveLength(1);
      expect(retry.final).toMatchObject({ kind: 'succeeded', outputVariables: (first.final as { outputVariables: object }).outputVariables });
      // moto would silently replace a job created again under the same name: the calls are the proof.
      const commands = send.mock.calls.map(([command]) => command);
      expect(commands.some((c) => c instanceof DescribeTransformJobCommand)).toBe(true);
      expect(commands.filter((c) => c instanceof CreateTransformJobCommand)).toHaveLength(0);
    } finally {
      send.mockRestore();
    }
  });
});

describe('batch output check (check-output)', () => {
  test('output objects under the release\'s folder that meet the count and the line expectations pass', async () => {
    const spec = batchDeploySpec({ check: { minObjects: 2, expectations: SCORE } });
    const outputUri = outputUriOf((await release('exec-good', spec)).final);
    await putOutput(outputUri, 'part-0.csv.out', [0.1, 0.9]);
    await putOutput(outputUri, 'part-1.csv.out', [0.5]);

    expect(await runDeployJob(checkOutputJob('exec-good', outputUri), spec, clients)).toEqual({
      kind: 'succeeded',
      message: `2 output objects under ${outputUri}; all 3 sampled lines met the expectations`,
    });
  });

  test('a release whose transform wrote nothing fails, naming the folder', async () => {
    const spec = batchDeploySpec();
    const outputUri = outputUriOf((await release('exec-empty', spec)).final);
    expect(await runDeployJob(checkOutputJob('exec-empty', outputUri), spec, clients)).toEqual({
      kind: 'failed',
      message: `Batch output check of dev failed: No output objects under ${outputUri}: the transform wrote nothing there`,
    });
  });

  test('too few objects, or a line outside the expectations, fail with the count or the line', async () => {
    const spec = batchDeploySpec({ check: { minObjects: 2, expectations: SCORE } });
    const outputUri = outputUriOf((await release('exec-bad', spec)).final);
    await putOutput(outputUri, 'part-0.csv.out', [0.2, 7]);

    expect(await runDeployJob(checkOutputJob('exec-bad', outputUri), spec, clients)).toEqual({
      kind: 'failed',
      message: `Batch output check of dev failed: Expected at least 2 output objects under ${outputUri}, found 1`,
    });
    await putOutput(outputUri, 'part-1.csv.out', [0.3]);
    expect(await runDeployJob(checkOutputJob('exec-bad', outputUri), spec, clients)).toEqual({
      kind: 'failed',
      message: `Batch output check of dev failed: 1 of 3 sampled output lines failed: ${outputUri}part-0.csv.out line 2: $.score = 7, expected <= 1`,
    });
  });

  test('an outputUri outside the environment\'s output prefix is a configuration error, and nothing is read', async () => {
    const spec = batchDeploySpec();
    const elsewhere = `s3://${INPUT_BUCKET}/scoring/`;
    const send = jest.spyOn(clients.s3, 'send');
    try {
      expect(await runDeployJob(checkOutputJob('exec-x', elsewhere), spec, clients)).toEqual({
        kind: 'failed',
        message: `UserParameters.outputUri ${elsewhere} is not under environment "dev"'s output s3://${OUTPUT_BUCKET}/scores/`,
      });
      expect(send).not.toHaveBeenCalled();
    } finally {
      send.mockRestore();
    }
  });

  test('a folder beside the output prefix that only starts with the same characters is not under it', async () => {
    // A prefix without its trailing slash, as a DataLocation may give it: releases write under `<prefix>/<release id>/`.
    const { batch, ...dev } = batchDeploySpec().environments.dev;
    const spec = deploySpec({ dev: { ...dev, batch: { ...batch!, outputS3Uri: `s3://${OUTPUT_BUCKET}/scores` } } });
    const beside = `s3://${OUTPUT_BUCKET}/scores-archive/${releaseId('exec-x')}/`;
    await putOutput(beside, 'part-0.csv.out', [0.5]);
    expect(await runDeployJob(checkOutputJob('exec-x', beside), spec, clients)).toEqual({
      kind: 'failed',
      message: `UserParameters.outputUri ${beside} is not under environment "dev"'s output s3://${OUTPUT_BUCKET}/scores`,
    });
    // A release of that environment still writes, and is checked, under `scores/`.
    const outputUri = outputUriOf((await release('exec-x', spec)).final);
    expect(outputUri).toBe(`s3://${OUTPUT_BUCKET}/scores/${releaseId('exec-x')}/`);
    await putOutput(outputUri, 'part-0.csv.out', [0.5]);
    expect(await runDeployJob(checkOutputJob('exec-x', outputUri), spec, clients)).toMatchObject({ kind: 'succeeded' });
  });
});
