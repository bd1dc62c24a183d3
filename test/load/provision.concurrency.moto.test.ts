import { holdsRequest } from './expected-stack';
import { racingClient } from './racing-client';
import type { PipelineRequest } from '../../src/config/pipeline-request';
import { handleApiRequest } from '../../src/runtime/provisioning/api-handler';
import { requestSha256 } from '../../src/runtime/provisioning/request-fingerprint';
import { checkHandlerCallsAs } from '../aws-contracts/handler-calls/jest-checks';
import { createMotoWorld, MotoWorld, StackRecord, stacksUnderPrefix, uploadAsset } from '../framework/provision/moto-world';
import { apiEvent, bodyOf, churnRequest } from '../framework/provision/provision-fixtures';

// The provisioning API's function, acting as its role in the framework these names are deployed with.
checkHandlerCallsAs(() => world.framework.provision());

/**
 * Two provisioning requests for one pipeline at the same moment, against
 * moto: both look at the stack before either writes (see racingClient), and
 * then CloudFormation's answer to the writes decides. The contract (README,
 * "The API"): a create or update is idempotent by name, a create sent twice
 * makes one stack and both senders hear of it, and a different request
 * meeting a change under way is a 409 and changes nothing. The handler's reading of each
 * CloudFormation answer in isolation is in provision.faults.test.ts; this is
 * the end-to-end race on real (emulated) stacks.
 */
let world: MotoWorld;

beforeAll(async () => {
  world = await createMotoWorld();
  await uploadAsset(world, 'churn/model.tar.gz');
  await uploadAsset(world, 'churn/model-v2.tar.gz');
});

/** Sends the requests at once through a client that lines them up, and answers with the handler's answers and CloudFormation's writes. */
async function race(...requests: PipelineRequest[]) {
  const racing = racingClient(process.env.MOTO_ENDPOINT!, requests.length);
  const deps = { ...world.deps, cloudformation: racing.client };
  const results = await Promise.all(requests.map((request) => handleApiRequest(apiEvent('POST', '/pipelines', request), deps)));
  const hashes = requests.map(requestSha256);
  return {
    answers: results.map((r) => ({ status: r.statusCode, body: bodyOf(r) })),
    /** What CloudFormation answered the writes, in the order it answered. */
    writes: racing.writes,
    /** The outcome of the write each request sent, by request (undefined: it sent none). */
    writeOf: (index: number) => racing.writes.find((w) => w.requestHash === hashes[index])?.outcome,
  };
}

async function stacksNamed(name: string): Promise<StackRecord[]> {
  return (await stacksUnderPrefix(world)).filter((s) => s.name === `${world.stackPrefix}${name}`);
}

test('the same new pipeline twice at once: both answered 202 for one stack, which CloudFormation created once', async () => {
  const request = churnRequest({ name: 'twin' });

  const { answers, writes } = await race(request, { ...request });

  const [stack, ...duplicates] = await stacksNamed('twin');
  expect(duplicates).toEqual([]);
  expect(writes.map((w) => w.outcome).sort()).toEqual(['CreateStack AlreadyExistsException', 'CreateStack ok']);
  expect(answers.map((a) => a.status)).toEqual([202, 202]);
  expect(answers.map((a) => a.body.stackId)).toEqual([stack.id, stack.id]);
  // The loser is a retry of the winner's create: still running (most likely) or, if it has finished, already as asked.
  const statuses = answers.map((a) => a.body.status).sort();
  expect([['CREATE_IN_PROGRESS', 'CREATE_IN_PROGRESS'], ['CREATE_IN_PROGRESS', 'UNCHANGED']]).toContainEqual(statuses);
  expect(holdsRequest(stack, request, world.deps)).toBe(true);
});

test('two different requests for a new pipeline at once: one creates it with its parameters, the other is a 409', async () => {
  const first = churnRequest({ name: 'rivals' });
  const second = churnRequest({ name: 'rivals', artifact: 'churn/model-v2.tar.gz' });

  const { answers, writeOf } = await race(first, second);

  const [stack, ...duplicates] = await stacksNamed('rivals');
  expect(duplicates).toEqual([]);
  expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
  const winner = answers.findIndex((a) => a.status === 202);
  // Both creates reached CloudFormation; it took the winner's and refused the other's.
  expect([writeOf(winner), writeOf(1 - winner)]).toEqual(['CreateStack ok', 'CreateStack AlreadyExistsException']);
  const loser = answers[1 - winner];
  expect(answers[winner].body).toMatchObject({ name: 'rivals', stackId: stack.id, status: 'CREATE_IN_PROGRESS' });
  expect(loser.body).toMatchObject({ name: 'rivals', stackId: stack.id, stackStatus: expect.stringMatching(/^CREATE_(IN_PROGRESS|COMPLETE)$/) });
  expect(loser.body.message).toMatch(/another change is under way|changed by another request meanwhile/);
  expect(holdsRequest(stack, [first, second][winner], world.deps)).toBe(true);
});

test('two different updates of one pipeline at once: each answered as CloudFormation took it, the stack holding the last one taken', async () => {
  const created = await handleApiRequest(apiEvent('POST', '/pipelines', churnRequest({ name: 'contended' })), world.deps);
  expect(created.statusCode).toBe(202);
  const newModel = churnRequest({ name: 'contended', artifact: 'churn/model-v2.tar.gz' });
  const moreInstances = churnRequest({ name: 'contended', environments: [{ name: 'dev' }, { name: 'prod', approval: true, instanceCount: 3 }] });
  const requests = [newModel, moreInstances];

  const { answers, writes, writeOf } = await race(...requests);

  const [stack, ...duplicates] = await stacksNamed('contended');
  expect(duplicates).toEqual([]);
  expect(stack.status).toBe('UPDATE_COMPLETE');
  // Both looked at a stable stack, so both sent UpdateStack. The one CloudFormation took first
  // is a 202; the other is a 409 if it arrived while that update ran (CloudFormation refused it),
  // or, had it arrived after, a 202 for an update of its own. Never anything else.
  requests.forEach((_request, i) => {
    if (writeOf(i) === 'UpdateStack ok') {
      expect(answers[i]).toMatchObject({ status: 202, body: { stackId: stack.id, status: 'UPDATE_IN_PROGRESS' } });
    } else {
      expect(writeOf(i)).toBe('UpdateStack ValidationError');
      expect(answers[i]).toMatchObject({ status: 409, body: { stackId: stack.id, stackStatus: 'UPDATE_IN_PROGRESS', message: expect.stringContaining('another change is under way') } });
    }
  });
  const taken = writes.filter((w) => w.outcome === 'UpdateStack ok');
  expect(taken.length).toBeGreaterThanOrEqual(1);
  const last = requests.find((r) => requestSha256(r) === taken[taken.length - 1].requestHash)!;
  expect(holdsRequest(stack, last, world.deps)).toBe(true);
});
