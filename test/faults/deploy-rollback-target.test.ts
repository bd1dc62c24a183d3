import { DescribeEndpointCommand } from '@aws-sdk/client-sagemaker';
import { createReleaseBuckets, motoReleaseClients, releaseBucketNames, ReleaseBuckets, releaseOf, serveRelease, worldSpec, worldState } from './release-world';
import type { DeploySpec } from '../../src/contract/deploy-settings';
import { runDeployJob } from '../../src/runtime/handlers/deploy.lambda';
import { rollBack } from '../../src/runtime/test-rollback';
import { actingAs } from '../aws-contracts/handler-calls/acting-role';
import { failOnUnauthorizedHandlerCalls } from '../aws-contracts/handler-calls/jest-checks';
import { FaultWorlds } from '../aws-contracts/worlds/fault-worlds';
import { runActionToCompletion } from '../fixtures/codepipeline-driver';
import { failNextEndpointChange } from '../harness/moto-server';
import { job } from '../pipeline/deploy/deploy-fixtures';
import { PARAMS } from '../pipeline/integration-tests/tests-fixtures';

/**
 * A failed release leaves its config behind (it never served, and is cleaned
 * up later like any old release). The next release's clean-up must still keep
 * the config that release replaced: it is what the Test stage rolls back to.
 * Against the suite's shared moto server, on an endpoint of this file's own.
 */
let buckets: ReleaseBuckets;
let spec: DeploySpec;
const clients = motoReleaseClients();
const BUCKETS = 'faults-rollback-target';
const MODEL = 'rollback-target';
/** The pipeline of the file's environment: its deploy function releases, its test function rolls back. */
const WORLDS = new FaultWorlds(BUCKETS, { buckets: releaseBucketNames(BUCKETS), tests: 'requests' });
failOnUnauthorizedHandlerCalls();

beforeAll(async () => {
  buckets = await createReleaseBuckets(BUCKETS);
  spec = worldSpec(buckets, MODEL, { keepReleases: 1 });
});

function deploy(executionId: string) {
  return actingAs(WORLDS.role('deploy', MODEL), () => runActionToCompletion((j) => runDeployJob(j, spec, clients), job(executionId, { artifactVersion: buckets.version })));
}

test('after a failed release, the next one keeps the config it replaced, and a failed test rolls the endpoint back onto it', async () => {
  const [a, b, c, d] = ['exec-a', 'exec-b', 'exec-c', 'exec-d'].map((e) => releaseOf(spec, e));
  await serveRelease(clients.sagemaker, spec, ['exec-a']);
  expect((await deploy('exec-b')).final.kind).toBe('succeeded');
  const endpointName = spec.environments.dev.endpointName;
  await failNextEndpointChange(process.env.MOTO_ENDPOINT!, endpointName, 'The primary container did not pass the ping health check.');
  expect((await deploy('exec-c')).final).toMatchObject({ kind: 'failed', message: expect.stringContaining(`still serves ${b}`) });

  const { final } = await deploy('exec-d');

  expect(final).toMatchObject({ kind: 'succeeded', outputVariables: { EndpointConfigName: d, PreviousEndpointConfigName: b } });
  // keepReleases 1 keeps the newest old release (the failed c) and, besides it, b; a goes.
  const state = await worldState(clients, spec);
  expect(state.configs).toEqual([b, c, d].sort());
  expect(state.models).toEqual([b, c, d].sort());
  expect(state.configs).not.toContain(a);

  // The Test stage of d fails: its rollback reaches b.
  const params = { ...PARAMS, endpointName, endpointConfigName: d, previousConfig: b };
  const initial = JSON.stringify({ phase: 'rolling-back', failures: 'request "smoke": status 500', previous: b, updateIssued: false });
  const rollback = await actingAs(WORLDS.role('test', MODEL), () => runActionToCompletion(
    (j) => rollBack(params, JSON.parse(j.continuationToken ?? initial), { sagemaker: clients.sagemaker, autoscaling: clients.autoscaling }),
    job('exec-d'),
  ));
  expect(rollback.final).toMatchObject({ kind: 'failed', message: expect.stringContaining(`Rolled back to ${b}`) });
  expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: b });
});
