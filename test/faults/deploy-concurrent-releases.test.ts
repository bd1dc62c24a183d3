import { meetAfter } from './call-barrier';
import {
  caseModel,
  createReleaseBuckets,
  motoReleaseClients,
  notServing,
  recordDescribes,
  releaseBucketNames,
  ReleaseBuckets,
  releaseOf,
  serveRelease,
  worldSpec,
  worldState,
} from './release-world';
import type { DeploySpec } from '../../src/contract/deploy-settings';
import { runDeployJob } from '../../src/runtime/handlers/deploy.lambda';
import type { ActionOutcome } from '../../src/runtime/codepipeline-job';
import { actingAs } from '../aws-contracts/handler-calls/acting-role';
import { failOnUnauthorizedHandlerCalls } from '../aws-contracts/handler-calls/jest-checks';
import { FaultWorlds } from '../aws-contracts/worlds/fault-worlds';
import { job } from '../pipeline/deploy/deploy-fixtures';

/**
 * Two releases of the same environment at once (two executions whose Deploy
 * jobs overlap: a retried stage beside a new execution, a manual retry),
 * against moto. The contract: the endpoint never goes down, both jobs end
 * (each succeeds or fails with a reason), the endpoint ends on the release of
 * the job that succeeded last, whose model, config and previous config (the
 * Test stage's rollback target) all exist, and no model outlives its config.
 */
let buckets: ReleaseBuckets;
const BUCKETS = 'faults-concurrent';
/** Each case's pipeline; both jobs of a case act as its deploy function's role. */
const WORLDS = new FaultWorlds(BUCKETS, { buckets: releaseBucketNames(BUCKETS) });
failOnUnauthorizedHandlerCalls();

beforeAll(async () => {
  buckets = await createReleaseBuckets(BUCKETS);
});

/** One job's side of the race: its own clients (its own Lambda invocation), token and answers. */
class Release {
  public readonly clients = motoReleaseClients();
  public readonly seen = recordDescribes(this.clients.sagemaker);
  public final?: ActionOutcome;
  public finishedAt = 0;
  private token?: string;

  constructor(public readonly spec: DeploySpec, public readonly executionId: string) {
  }

  public get name(): string {
    return releaseOf(this.spec, this.executionId);
  }

  /** One CodePipeline call of this job; false once it has ended. */
  public async step(clock: () => number): Promise<boolean> {
    if (this.final) {
      return false;
    }
    const delivered = { ...job(this.executionId, { artifactVersion: buckets.version }), continuationToken: this.token };
    const outcome = await actingAs(WORLDS.role('deploy', caseModel(this.spec)), () => runDeployJob(delivered, this.spec, this.clients));
    if (outcome.kind === 'in-progress') {
      this.token = outcome.continuationToken;
    } else {
      this.final = outcome;
      this.finishedAt = clock();
    }
    return true;
  }
}

/** Checks the contract once both jobs have ended; says what broke it. */
async function breaches(spec: DeploySpec, releases: Release[], before: string[]): Promise<string[]> {
  const problems: string[] = [];
  const names = [...before, ...releases.map((r) => r.name)];
  for (const r of releases) {
    // Nothing failed here: a release that did not win can only have been superseded by the other.
    const other = releases.find((o) => o !== r)!;
    if (r.final?.kind !== 'succeeded' && !r.final?.message.includes(`Release ${r.name} was superseded: endpoint ${r.spec.environments.dev.endpointName} now serves ${other.name}`)) {
      problems.push(`${r.executionId} did not succeed, nor say it was superseded: ${JSON.stringify(r.final)}`);
    }
    // A first release sees the endpoint Creating; one that found it serving never may.
    const down = notServing(r.seen, names, before.length > 0 ? ['InService', 'Updating'] : ['InService', 'Updating', 'Creating']);
    if (down.length > 0) {
      problems.push(`${r.executionId} saw the endpoint ${down.join(', ')}`);
    }
  }
  const winners = releases.filter((r) => r.final?.kind === 'succeeded').sort((x, y) => y.finishedAt - x.finishedAt);
  if (winners.length === 0) {
    return [...problems, 'neither release succeeded'];
  }
  const last = winners[0];
  const state = await worldState(last.clients, spec);
  const previous = (last.final as { outputVariables?: Record<string, string> }).outputVariables?.PreviousEndpointConfigName;
  if (state.endpoint?.status !== 'InService' || state.endpoint.config !== last.name) {
    problems.push(`the endpoint is ${JSON.stringify(state.endpoint)}, not InService on ${last.name}, which succeeded last`);
  }
  for (const needed of [last.name, ...(previous && previous !== 'none' ? [previous] : [])]) {
    if (!state.configs.includes(needed) || !state.models.includes(needed)) {
      problems.push(`${needed} (serving or its rollback target) lost its config or model: ${JSON.stringify(state)}`);
    }
  }
  if (!state.models.every((m) => state.configs.includes(m))) {
    problems.push(`a model outlived its config: ${JSON.stringify(state)}`);
  }
  return problems;
}

/**
 * Runs two releases, the second starting after `head` calls of the first,
 * then one call of each in turn (each call is one whole invocation).
 */
async function interleave(spec: DeploySpec, head: number): Promise<Release[]> {
  const releases = [new Release(spec, 'exec-1'), new Release(spec, 'exec-2')];
  let clock = 0;
  const tick = () => ++clock;
  for (let i = 0; i < head; i++) {
    await releases[0].step(tick);
  }
  for (let calls = 0; calls < 40; calls++) {
    const stepped = [await releases[1].step(tick), await releases[0].step(tick)];
    if (!stepped.some(Boolean)) {
      return releases;
    }
  }
  throw new Error('The releases did not end within 40 calls each');
}

describe.each([0, 1, 2, 3])('two releases of one environment, the second starting after %i calls of the first', (head) => {
  test('an update: the endpoint keeps serving, ends on the release that succeeded last, and keeps what it serves and rolls back to', async () => {
    const spec = worldSpec(buckets, `concurrent-u${head}`);
    await serveRelease(motoReleaseClients().sagemaker, spec, ['exec-0']);
    const releases = await interleave(spec, head);
    expect(await breaches(spec, releases, [releaseOf(spec, 'exec-0')])).toEqual([]);
  });

  test('a first release: the endpoint is created once and ends on the release that succeeded last', async () => {
    const spec = worldSpec(buckets, `concurrent-f${head}`);
    const releases = await interleave(spec, head);
    expect(await breaches(spec, releases, [])).toEqual([]);
  });
});

test('two first releases that both find no endpoint: one creates it, the other waits for it and rolls out after; the later rollout serves', async () => {
  const spec = worldSpec(buckets, 'concurrent-race');
  const releases = [new Release(spec, 'exec-1'), new Release(spec, 'exec-2')];
  // Both look at the endpoint (there is none) before either creates anything more.
  meetAfter(releases.map((r) => r.clients.sagemaker), 'DescribeEndpointCommand', 'CreateEndpointConfigCommand');
  let clock = 0;
  const tick = () => ++clock;
  await Promise.all(releases.map((r) => r.step(tick)));
  for (let calls = 0; calls < 40 && releases.some((r) => !r.final); calls++) {
    await releases[0].step(tick);
    await releases[1].step(tick);
  }
  expect(await breaches(spec, releases, [])).toEqual([]);
});

test('a stale retry of the serving execution\'s Deploy job, beside a new release: the endpoint keeps serving and ends on the release that succeeded last', async () => {
  const spec = worldSpec(buckets, 'concurrent-stale');
  await serveRelease(motoReleaseClients().sagemaker, spec, ['exec-1']);
  // exec-2 releases first; exec-1's job, delivered again, follows it call by call.
  const releases = await interleave(spec, 0);
  expect(await breaches(spec, releases, [releaseOf(spec, 'exec-1')])).toEqual([]);
});
