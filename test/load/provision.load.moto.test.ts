import { runBounded } from './bounded';
import { BurstRequest, burstPlan, CHANGED_ARTIFACT, changedBody, usualBody } from './burst-plan';
import { holdsRequest } from './expected-stack';
import { handleApiRequest } from '../../src/runtime/provisioning/api-handler';
import { checkHandlerCallsAs } from '../aws-contracts/handler-calls/jest-checks';
import { createMotoWorld, MotoWorld, StackRecord, stacksUnderPrefix, uploadAsset } from '../framework/provision/moto-world';
import { apiEvent, bodyOf } from '../framework/provision/provision-fixtures';
import { MotoServer, startMotoServer } from '../harness/moto-server';

// The provisioning API's function, acting as its role in the framework these names are deployed with.
checkHandlerCallsAs(() => world.framework.provision());

/**
 * The provisioning API under a bounded burst against the emulator: 500
 * requests, 20 in flight, for a handful of pipelines, so that requests for one
 * name really overlap (creates with creates, updates with updates, reads and
 * deletes with both). moto's CloudFormation builds each blueprint stack's
 * resources on the request's thread, which costs the server most of a CPU for
 * the burst: this file runs a server of its own so that the other files' moto
 * calls are not slowed down meanwhile.
 */
const TOTAL = 500;
const IN_FLIGHT = 20;
const PLAN = burstPlan({ total: TOTAL, contested: 5, doomed: 2, changedPerName: 1, seed: 20261129 });

/** What each kind of request may be answered; anything else (above all a 5xx) fails the test. */
const EXPECTED_STATUSES: Record<BurstRequest['kind'], number[]> = {
  // 409: the stack is being created or updated by another request.
  post: [202, 409],
  // 404: the pipeline's first create has not reached CloudFormation yet, or it was deleted.
  get: [200, 404],
  list: [200],
  // 404: another delete of the same pipeline has finished.
  delete: [202, 404],
};

interface Answer {
  readonly request: BurstRequest;
  readonly status: number;
  readonly body: any;
}

let moto: MotoServer;
let world: MotoWorld;
let answers: Answer[];
let peakInFlight: number;
let stacks: StackRecord[];

beforeAll(async () => {
  moto = await startMotoServer();
  world = await createMotoWorld(moto.endpoint);
  await uploadAsset(world, usualBody('any').artifact);
  await uploadAsset(world, CHANGED_ARTIFACT);
  for (const name of PLAN.doomed) {
    expect((await send({ kind: 'post', name, body: usualBody(name) })).status).toBe(202);
  }

  const run = await runBounded(PLAN.requests.map((request) => () => send(request)), IN_FLIGHT);
  answers = run.results;
  peakInFlight = run.peakInFlight;
  stacks = await settledStacks();
});

/**
 * The stacks once CloudFormation has finished what it accepted: a 202 means
 * a change has started, and (should the SDK have retried a write whose first
 * attempt the server went on with) the emulator may still be on it when the
 * last answer arrives. Polled a bounded number of times, as a client would;
 * a stack still in progress after that is left for the assertions to show.
 */
async function settledStacks(): Promise<StackRecord[]> {
  for (let attempt = 1; ; attempt++) {
    const listed = await stacksUnderPrefix(world);
    if (attempt === 50 || listed.every((s) => !s.status?.endsWith('_IN_PROGRESS'))) {
      return listed;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  await moto?.stop();
});

async function send(request: BurstRequest): Promise<Answer> {
  const event = request.kind === 'post' ? apiEvent('POST', '/pipelines', request.body)
    : request.kind === 'list' ? apiEvent('GET', '/pipelines')
      : apiEvent(request.kind === 'get' ? 'GET' : 'DELETE', `/pipelines/${request.name}`);
  const result = await handleApiRequest(event, world.deps);
  return { request, status: result.statusCode, body: bodyOf(result) };
}

function answersFor(name: string): Answer[] {
  return answers.filter((a) => a.request.kind !== 'list' && a.request.name === name);
}

function stacksNamed(name: string): StackRecord[] {
  return stacks.filter((s) => s.name === `${world.stackPrefix}${name}`);
}

test('the burst ran as planned: 500 requests of every kind, 20 in flight at the peak', () => {
  expect(answers).toHaveLength(TOTAL);
  expect(peakInFlight).toBe(IN_FLIGHT);
  const kinds = new Set(answers.map((a) => a.request.kind));
  expect([...kinds].sort()).toEqual(['delete', 'get', 'list', 'post']);
});

test('no answer is a 5xx, and each is one its kind of request may get', () => {
  const serverErrors = answers.filter((a) => a.status >= 500).map((a) => `${a.request.kind} ${'name' in a.request ? a.request.name : ''}: ${a.status} ${JSON.stringify(a.body)}`);
  expect(serverErrors).toEqual([]);
  const unexpected = answers.filter((a) => !EXPECTED_STATUSES[a.request.kind].includes(a.status));
  expect(unexpected.map((a) => `${a.request.kind} ${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
});

test('each contested name has exactly one stack, stable, and every answer about it names that stack', () => {
  for (const name of PLAN.contested) {
    const [stack, ...duplicates] = stacksNamed(name);
    expect({ name, duplicates }).toEqual({ name, duplicates: [] });
    expect(stack.status).toMatch(/^(CREATE|UPDATE)_COMPLETE$/);
    const stackIds = new Set(answersFor(name).filter((a) => a.status === 202 || a.status === 409 || a.status === 200).map((a) => a.body.stackId));
    expect([...stackIds]).toEqual([stack.id]);
  }
});

test('each contested stack holds the parameters and request hash of one body that was posted for it', () => {
  for (const name of PLAN.contested) {
    const [stack] = stacksNamed(name);
    const held = [usualBody(name), changedBody(name)].filter((body) => holdsRequest(stack, body, world.deps));
    expect({ name, matchingBodies: held.length }).toEqual({ name, matchingBodies: 1 });
  }
});

test('every accepted POST says what CloudFormation did: each name created, some no-ops, nothing else', () => {
  const accepted = answers.filter((a) => a.request.kind === 'post' && a.status === 202).map((a) => a.body.status);
  expect(accepted.filter((s) => !['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'UNCHANGED'].includes(s))).toEqual([]);
  expect(accepted).toContain('UNCHANGED');
  for (const name of PLAN.contested) {
    expect({ name, created: answersFor(name).some((a) => a.status === 202 && a.body.status === 'CREATE_IN_PROGRESS') }).toEqual({ name, created: true });
  }
});

test('every list answered during the burst names each pipeline once at most, and only pipelines of the burst', () => {
  const planned = new Set([...PLAN.contested, ...PLAN.doomed]);
  const lists = answers.filter((a) => a.request.kind === 'list' && a.status === 200).map((a) => a.body.pipelines.map((p: any) => p.name) as string[]);
  expect(lists.length).toBeGreaterThan(0);
  for (const names of lists) {
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(names.filter((n) => !planned.has(n))).toEqual([]);
  }
});

test('the doomed pipelines are deleted, each once: one stack, DELETE_COMPLETE, and no longer listed', async () => {
  for (const name of PLAN.doomed) {
    expect(stacksNamed(name).map((s) => s.status)).toEqual(['DELETE_COMPLETE']);
    const deletes = answersFor(name).filter((a) => a.request.kind === 'delete');
    expect(deletes.some((a) => a.status === 202)).toBe(true);
  }
  const listed = (await send({ kind: 'list' })).body.pipelines.map((p: any) => p.name);
  expect(listed).toEqual([...PLAN.contested].sort());
});

test('nothing else was made under the prefix', () => {
  const names = new Set([...PLAN.contested, ...PLAN.doomed].map((n) => `${world.stackPrefix}${n}`));
  expect(stacks.filter((s) => !names.has(s.name!)).map((s) => s.name)).toEqual([]);
});
