import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CreateBucketCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { CallCounter, CallCounts } from './call-counter';
import { CONTEXT, Figure, atMost } from './figure';
import { round } from './samples';
import { runDeployJob } from '../src/runtime/handlers/deploy.lambda';
import { runActionToCompletion } from '../test/fixtures/codepipeline-driver';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';
import { setDescribesUntilReady } from '../test/harness/moto-server';
import { deploySpec, envSpec, job, MODEL_BUCKET, RELEASE_BUCKET } from '../test/pipeline/deploy/deploy-fixtures';

/**
 * DescribeEndpoint calls that answer Creating/Updating before the change is
 * done, as in the deploy handler's moto tests: each release then goes
 * through CodePipeline's continuation calls, as it would for the minutes a
 * real endpoint takes. Each such call is a poll; how many a real release
 * makes depends on how long SageMaker takes, not on the handler.
 */
const DESCRIBES_UNTIL_READY = 2;

/** The status poll: counted apart from the calls that do the release. */
const POLL = 'DescribeEndpointCommand';

/** What a release cannot do without (DESIGN.md §4; the README's Performance section says why each remains). */
const MINIMUM = {
  /** CreateModel, CreateEndpointConfig, then CreateEndpoint or UpdateEndpoint. */
  mutating: 3,
  /** The endpoint's state before the change (create, update or replace a Failed one), and the releases to clean up. */
  lookups: 2,
  /** One status poll per continuation call, the only thing a call that waits does. */
  pollsPerContinuation: 1,
};

interface ReleaseCalls {
  readonly total: number;
  readonly mutating: number;
  /** DescribeEndpoint calls made by the continuation calls: waiting for InService. */
  readonly polls: number;
  /** Every other read. */
  readonly lookups: number;
  readonly continuations: number;
  readonly byOperation: CallCounts;
}

const isRead = (op: string) => /^(Describe|List|Get)/.test(op);
const total = (counts: CallCounts, filter: (op: string) => boolean = () => true) =>
  Object.entries(counts).filter(([op]) => filter(op)).reduce((n, [, c]) => n + c, 0);

/** @param steps the calls of each invocation of the action, in order (the first starts the release) */
function summarize(steps: readonly CallCounts[]): ReleaseCalls {
  const all: CallCounts = {};
  for (const step of steps) for (const [op, n] of Object.entries(step)) all[op] = (all[op] ?? 0) + n;
  const polls = steps.slice(1).reduce((n, step) => n + (step[POLL] ?? 0), 0);
  return {
    total: total(all),
    mutating: total(all, (op) => !isRead(op)),
    polls,
    lookups: total(all, isRead) - polls,
    continuations: steps.length - 1,
    byOperation: Object.fromEntries(Object.entries(all).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/**
 * The deploy handler's SageMaker calls for one environment (the handler's
 * moto tests' instance-backed dev environment): a first release that
 * creates the endpoint, then a second that updates it in place once it is
 * InService, each driven to completion as CodePipeline drives it, counted by
 * operation with an SDK middleware. Counts, not timings: one run each.
 */
export async function measureDeployCalls(endpoint: string): Promise<Figure[]> {
  await setDescribesUntilReady(endpoint, DESCRIBES_UNTIL_READY);
  const config = { endpoint, region: 'us-east-1' };
  const clients = {
    sagemaker: new SageMakerClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    autoscaling: new ApplicationAutoScalingClient(config),
  };
  for (const bucket of [MODEL_BUCKET, RELEASE_BUCKET]) {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await clients.s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  }
  const counter = new CallCounter(clients.sagemaker);
  const spec = deploySpec({ dev: envSpec() });

  const release = async (executionId: string): Promise<ReleaseCalls> => {
    const upload = await clients.s3.send(new PutObjectCommand({ Bucket: MODEL_BUCKET, Key: 'churn/model.tar.gz', Body: xgboostModelArtifact() }));
    counter.take();
    const perStep: CallCounts[] = [];
    const { final } = await runActionToCompletion(
      (j) => runDeployJob(j, spec, clients),
      job(executionId, { artifactVersion: upload.VersionId }),
      { onStep: () => perStep.push(counter.take()) },
    );
    if (final.kind !== 'succeeded') {
      throw new Error(`release ${executionId} did not succeed: ${final.kind} ${'message' in final ? final.message : ''}`);
    }
    return summarize(perStep);
  };

  const figures: Figure[] = [];
  for (const [name, executionId] of [['first release (creates the endpoint)', 'bench-first'], ['second release (updates it in place)', 'bench-second']]) {
    const calls = await release(executionId);
    const pollsPerContinuation = round(calls.polls / Math.max(calls.continuations, 1), 2);
    figures.push(
      { group: 'deploy', name: `${name}: SageMaker calls`, value: calls.total, unit: 'calls', ...CONTEXT, detail: { ...calls, describesUntilReady: DESCRIBES_UNTIL_READY } },
      { group: 'deploy', name: `${name}: mutating calls`, value: calls.mutating, unit: 'calls', ...atMost(MINIMUM.mutating, calls.mutating) },
      { group: 'deploy', name: `${name}: other reads`, value: calls.lookups, unit: 'calls', ...atMost(MINIMUM.lookups, calls.lookups) },
      { group: 'deploy', name: `${name}: DescribeEndpoint polls`, value: calls.polls, unit: 'calls', ...CONTEXT, detail: { continuations: calls.continuations } },
      { group: 'deploy', name: `${name}: polls per continuation call`, value: pollsPerContinuation, unit: 'calls', ...atMost(MINIMUM.pollsPerContinuation, pollsPerContinuation) },
    );
  }
  return figures;
}
