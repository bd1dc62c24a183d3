import { FAULT_KINDS, FAULT_TAG, FaultInjector, FaultPlan, redeliverAfterCrash } from './fault-injector';
import { sweep } from './fault-sweep';
import { caseModel, createReleaseBuckets, motoReleaseClients, registerScaling, releaseBucketNames, ReleaseBuckets, releaseOf, serveRelease, worldSpec, worldState } from './release-world';
import { CLEANUP_PHASE_FIELD, IS_COMPLETE_PHASE } from '../../src/contract/cleanup-settings';
import { CleanupEvent, isComplete, onEvent } from '../../src/runtime/handlers/cleanup.lambda';
import { actingAs } from '../aws-contracts/handler-calls/acting-role';
import { failOnUnauthorizedHandlerCalls } from '../aws-contracts/handler-calls/jest-checks';
import { FaultWorlds } from '../aws-contracts/worlds/fault-worlds';
import { cfnEvent, deleteToCompletion } from '../pipeline/cleanup/cleanup-fixtures';

/**
 * The stack deletion's clean-up faulted at each AWS call in turn, against the
 * suite's shared moto server (an environment per case, beside a neighbour
 * whose names every case's start with). A crashed poll fails the deletion, and
 * deleting the stack again sends the same event: either way it must end with
 * nothing of the environment left and the neighbour untouched.
 */
let buckets: ReleaseBuckets;
let cleanCalls: string[];
const BUCKETS = 'faults-cleanup-sweep';
/** Each case's pipeline: an autoscaled dev; the deletion acts as its clean-up function's role. */
const WORLDS = new FaultWorlds(BUCKETS, {
  buckets: releaseBucketNames(BUCKETS),
  autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 100 },
});
failOnUnauthorizedHandlerCalls();
/** The neighbour's model: its endpoint and release prefix (`csweep-dev`) start every case's names. */
const NEIGHBOUR = 'csweep';

/** An environment as releases leave it: a release serving, its variant autoscaled. */
async function releasedEnvironment(model: string) {
  const clients = motoReleaseClients();
  const spec = worldSpec(buckets, model);
  await serveRelease(clients.sagemaker, spec, ['exec-1']);
  await registerScaling(clients.autoscaling, spec);
  return spec;
}

async function deleteStack(model: string, plan?: FaultPlan) {
  const spec = await releasedEnvironment(model);
  const { endpointName, releasePrefix, variantName } = spec.environments.dev;
  const clients = motoReleaseClients();
  const injector = new FaultInjector(plan).attach(clients.sagemaker, clients.autoscaling);
  const poll = redeliverAfterCrash(injector, (event: CleanupEvent) => isComplete(event, clients));
  const request = cfnEvent('Delete', [{ endpointName, releasePrefix, variantName }]);
  const asCleanupFunction = WORLDS.role('cleanup', caseModel(spec));
  const run = await actingAs(asCleanupFunction, () =>
    deleteToCompletion(async (event) => (event[CLEANUP_PHASE_FIELD] === IS_COMPLETE_PHASE ? poll(event) : onEvent(event)), request));
  return { run, injector, left: await worldState(motoReleaseClients(), spec) };
}

/** Another pipeline's environment whose names every case's start with (`csweep-dev`): it must survive them all. */
let neighbour: ReturnType<typeof worldSpec>;

beforeAll(async () => {
  buckets = await createReleaseBuckets(BUCKETS);
  neighbour = await releasedEnvironment(NEIGHBOUR);
  cleanCalls = (await deleteStack(`${neighbour.environments.dev.endpointName}-clean`)).injector.calls;
});

/** A deletion with one fault; what a clean one leaves, or what differs. */
async function teardownCase(plan: FaultPlan): Promise<string | undefined> {
  const { left } = await deleteStack(`${neighbour.environments.dev.endpointName}-${FAULT_TAG[plan.kind]}-${plan.at}`, plan);
  const expected = { configs: [], models: [], copies: [], scalableTargets: 0 };
  return JSON.stringify(left) === JSON.stringify(expected) ? undefined : JSON.stringify(left);
}

test('the sweep covers the scaling, the endpoint and every release config and model', () => {
  expect(cleanCalls).toEqual(expect.arrayContaining([
    'DeregisterScalableTargetCommand', 'DeleteEndpointCommand', 'DeleteEndpointConfigCommand', 'DeleteModelCommand',
  ]));
});

test.each(FAULT_KINDS)('a stack deletion with one %s fault at each call in turn removes the environment\'s endpoint, releases and scaling, and nothing of its neighbour', async (kind) => {
  expect(await sweep(kind, cleanCalls, teardownCase)).toEqual([]);
});

test('the neighbour whose names start the same way survived every one of those deletions', async () => {
  const kept = [releaseOf(neighbour, 'exec-1')];
  const state = await worldState(motoReleaseClients(), neighbour);
  expect([state.endpoint?.status, state.configs, state.models, state.scalableTargets]).toEqual(['InService', kept, kept, 1]);
});
