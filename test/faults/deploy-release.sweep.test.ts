import type { DescribeEndpointCommandOutput } from '@aws-sdk/client-sagemaker';
import { FAULT_KINDS, FAULT_TAG, FaultInjector, FaultPlan, redeliverAfterCrash } from './fault-injector';
import { sweep } from './fault-sweep';
import {
  caseModel,
  createReleaseBuckets,
  motoReleaseClients,
  notServing,
  recordDescribes,
  registerScaling,
  releaseBucketNames,
  ReleaseBuckets,
  releaseOf,
  serveRelease,
  worldSpec,
  worldState,
} from './release-world';
import type { DeploySpec } from '../../src/contract/deploy-settings';
import { runDeployJob } from '../../src/runtime/handlers/deploy.lambda';
import type { ActionOutcome, CodePipelineJob } from '../../src/runtime/codepipeline-job';
import { actingAs } from '../aws-contracts/handler-calls/acting-role';
import { failOnUnauthorizedHandlerCalls } from '../aws-contracts/handler-calls/jest-checks';
import { FaultWorlds } from '../aws-contracts/worlds/fault-worlds';
import { runActionToCompletion } from '../fixtures/codepipeline-driver';
import { job } from '../pipeline/deploy/deploy-fixtures';

/**
 * One fault at each AWS call of a release in turn, against moto: the release
 * is driven as CodePipeline drives it (continuations, and the same event again
 * after a crashed invocation) and must end exactly where a release without
 * faults ends, with the serving endpoint up throughout and nothing left over.
 */
let buckets: ReleaseBuckets;
const BUCKETS = 'faults-deploy-sweep';
const AUTOSCALING = { minInstances: 1, maxInstances: 4, targetInvocationsPerInstance: 300 };
/** Each case's pipeline: an autoscaled dev; the release's calls act as its deploy function's role. */
const WORLDS = new FaultWorlds(BUCKETS, {
  buckets: releaseBucketNames(BUCKETS),
  autoScaling: { maxInstances: AUTOSCALING.maxInstances, targetInvocationsPerInstance: AUTOSCALING.targetInvocationsPerInstance },
});
failOnUnauthorizedHandlerCalls();
/** An update finds the endpoint serving exec-b, with exec-a's release before it, and its variant autoscaled as exec-b's release left it. */
async function serveTwoReleases(spec: DeploySpec): Promise<void> {
  const clients = motoReleaseClients();
  await serveRelease(clients.sagemaker, spec, ['exec-a', 'exec-b']);
  await registerScaling(clients.autoscaling, spec);
}
/** The calls of a release without faults, which the sweeps fail one by one. */
let cleanCalls: { update: string[]; first: string[] };

beforeAll(async () => {
  buckets = await createReleaseBuckets(BUCKETS);
  cleanCalls = {
    update: await callsOfCleanRelease('u', serveTwoReleases, 'exec-c'),
    first: await callsOfCleanRelease('f', async () => undefined, 'exec-a'),
  };
});

interface Run {
  readonly final: ActionOutcome;
  readonly injector: FaultInjector;
  /** Every DescribeEndpoint answer the handler got. */
  readonly seen: DescribeEndpointCommandOutput[];
  readonly clients: ReturnType<typeof motoReleaseClients>;
}

async function release(spec: DeploySpec, executionId: string, plan?: FaultPlan): Promise<Run> {
  const clients = motoReleaseClients();
  const injector = new FaultInjector(plan).attach(clients.sagemaker, clients.s3, clients.autoscaling);
  const seen = recordDescribes(clients.sagemaker);
  const run = redeliverAfterCrash(injector, (j: CodePipelineJob) => actingAs(WORLDS.role('deploy', caseModel(spec)), () => runDeployJob(j, spec, clients)));
  const { final } = await runActionToCompletion(run, job(executionId, { artifactVersion: buckets.version }), { maxCalls: 40 });
  return { final, injector, seen, clients };
}


/** How many AWS calls a release without faults makes: the sweep covers each. */
async function callsOfCleanRelease(scenario: string, setUp: (spec: DeploySpec) => Promise<void>, executionId: string): Promise<string[]> {
  const spec = worldSpec(buckets, `sweep-${scenario}-clean`, { autoScaling: AUTOSCALING });
  await setUp(spec);
  const { final, injector } = await release(spec, executionId);
  if (final.kind !== 'succeeded') {
    throw new Error(`The release without faults did not succeed: ${final.message}`);
  }
  return injector.calls;
}

function outcomeOf(final: ActionOutcome) {
  return { kind: final.kind, outputVariables: (final as { outputVariables?: unknown }).outputVariables };
}

/**
 * An update from exec-b (exec-a before it) to exec-c with one fault. What a
 * clean update leaves: exec-c serving, exec-b kept (keepReleases 1), exec-a
 * gone. A throttled or timed-out delete of exec-a may leave it for the next
 * release, as the success message says; that release must then remove it.
 */
async function updateCase(plan: FaultPlan): Promise<string | undefined> {
  const spec = worldSpec(buckets, `sweep-u${FAULT_TAG[plan.kind]}-${plan.at}`, { autoScaling: AUTOSCALING });
  const endpointName = spec.environments.dev.endpointName;
  await serveTwoReleases(spec);
  const [stale, previous, next] = ['exec-a', 'exec-b', 'exec-c'].map((e) => releaseOf(spec, e));
  const { final, seen, clients } = await release(spec, 'exec-c', plan);
  const state = await worldState(clients, spec);
  const down = notServing(seen, [previous, next]);
  const leftForNext = state.configs.includes(stale) && final.message.includes(`could not remove ${stale}`);
  const expected = {
    outcome: { kind: 'succeeded', outputVariables: { EndpointName: endpointName, EndpointConfigName: next, ModelName: next, PreviousEndpointConfigName: previous } },
    endpoint: { status: 'InService', config: next },
    configs: (leftForNext ? [stale, previous, next] : [previous, next]).sort(),
    // A model without its config would never be found again: models follow configs.
    models: state.configs.filter((c) => c !== stale || state.models.includes(stale)),
    copies: [`releases/${endpointName}/${next}/model.tar.gz`],
    scalableTargets: 1,
    down: [],
  };
  const actual = { outcome: outcomeOf(final), ...state, down };
  if (JSON.stringify(actual) !== JSON.stringify(expected) || !state.models.every((m) => state.configs.includes(m))) {
    return JSON.stringify(actual);
  }
  if (leftForNext) {
    await release(spec, 'exec-d');
    const after = await worldState(clients, spec);
    const survivors = [next, releaseOf(spec, 'exec-d')].sort();
    if (JSON.stringify([after.configs, after.models]) !== JSON.stringify([survivors, survivors])) {
      return `the next release did not remove ${stale}: ${JSON.stringify(after)}`;
    }
  }
  return undefined;
}

/** A first release (no endpoint yet) with one fault: the endpoint ends InService on it, alone. */
async function firstReleaseCase(plan: FaultPlan): Promise<string | undefined> {
  const spec = worldSpec(buckets, `sweep-f${FAULT_TAG[plan.kind]}-${plan.at}`, { autoScaling: AUTOSCALING });
  const endpointName = spec.environments.dev.endpointName;
  const first = releaseOf(spec, 'exec-a');
  const { final, clients } = await release(spec, 'exec-a', plan);
  const actual = { outcome: outcomeOf(final), ...await worldState(clients, spec) };
  const expected = {
    outcome: { kind: 'succeeded', outputVariables: { EndpointName: endpointName, EndpointConfigName: first, ModelName: first, PreviousEndpointConfigName: 'none' } },
    endpoint: { status: 'InService', config: first },
    configs: [first],
    models: [first],
    copies: [`releases/${endpointName}/${first}/model.tar.gz`],
    scalableTargets: 1,
  };
  return JSON.stringify(actual) === JSON.stringify(expected) ? undefined : JSON.stringify(actual);
}

describe.each(FAULT_KINDS)('update with one %s fault', (kind) => {
  test('faulted at each call in turn: ends as a clean update, the previous config serving until the switch, nothing left over', async () => {
    expect(await sweep(kind, cleanCalls.update, updateCase)).toEqual([]);
  });

});

// A throttled call did nothing, and a first release has nothing to keep serving: the faults that did work matter.
describe.each(['timeout-after', 'crash-after'] as const)('first release with one %s fault', (kind) => {
  test('faulted at each call in turn: the endpoint ends InService on the release, with one model, one config, one copy', async () => {
    expect(await sweep(kind, cleanCalls.first, firstReleaseCase)).toEqual([]);
  });
});

test('an update SageMaker refuses for good: the job fails with the reason, the previous config keeps serving and is put back into autoscaling', async () => {
  const spec = worldSpec(buckets, 'sweep-refused', { autoScaling: AUTOSCALING });
  await serveTwoReleases(spec);
  const at = cleanCalls.update.indexOf('UpdateEndpointCommand') + 1;
  const { final, clients } = await release(spec, 'exec-c', { at, kind: 'refuse' });
  expect(final).toEqual({ kind: 'failed', message: 'ValidationException: UpdateEndpointCommand refused for good' });
  expect(await worldState(clients, spec)).toMatchObject({ endpoint: { status: 'InService', config: releaseOf(spec, 'exec-b') }, scalableTargets: 1 });
});

/**
 * An update with one call refused for good (a partial failure: what came
 * before it exists). Whatever the call, the endpoint keeps serving; if the
 * release did not go out, the job fails and the previous config keeps its
 * scaling; a refused clean-up of old releases does not fail the release; no model is left without its config (but for a refused look at
 * the endpoint between the two, which may be a retry's whose config exists);
 * and a retry of the stage (a new job of the same execution) converges on
 * the clean update.
 */
async function refusedCase(plan: FaultPlan): Promise<string | undefined> {
  const spec = worldSpec(buckets, `sweep-u${FAULT_TAG[plan.kind]}-${plan.at}`, { autoScaling: AUTOSCALING });
  await serveTwoReleases(spec);
  const [previous, next] = [releaseOf(spec, 'exec-b'), releaseOf(spec, 'exec-c')];
  const { final, seen, clients } = await release(spec, 'exec-c', plan);
  const state = await worldState(clients, spec);
  const onPrevious = state.endpoint?.status === 'InService' && state.endpoint.config === previous;
  const inCleanup = ['ListEndpointConfigsCommand', 'DeleteModelCommand', 'DeleteEndpointConfigCommand'].includes(cleanCalls.update[plan.at - 1]);
  const problems = [
    // The clean-up of old releases never fails the release that serves.
    ...(inCleanup && final.kind !== 'succeeded' ? ['the clean-up of old releases failed the release'] : []),
    ...notServing(seen, [previous, next]),
    ...(onPrevious && (final.kind !== 'failed' || state.scalableTargets !== 1) ? [`ended ${final.kind} with the previous config serving, ${state.scalableTargets} scalable targets`] : []),
    ...(cleanCalls.update[plan.at - 1] === 'DescribeEndpointCommand' ? [] : state.models.filter((m) => !state.configs.includes(m)).map((m) => `model ${m} has no config`)),
  ];
  const retried = await release(spec, 'exec-c');
  const after = await worldState(clients, spec);
  if (retried.final.kind !== 'succeeded' || after.endpoint?.config !== next || after.scalableTargets !== 1 || after.models.some((m) => !after.configs.includes(m))) {
    problems.push(`the retry ended ${JSON.stringify(outcomeOf(retried.final))} with ${JSON.stringify(after)}`);
  }
  return problems.length ? `${final.message}: ${problems.join('; ')}` : undefined;
}

test('an update refused for good at each call in turn: the endpoint keeps serving, no model outlives its config, a retry of the stage converges', async () => {
  expect(await sweep('refuse', cleanCalls.update, refusedCase)).toEqual([]);
});
