import { CreateProjectCommand, ListBuildsForProjectCommand } from '@aws-sdk/client-codebuild';
import { FAULT_KINDS, FAULT_TAG, FaultInjector, FaultPlan, redeliverAfterCrash } from './fault-injector';
import { sweep } from './fault-sweep';
import {
  caseModel,
  createReleaseBuckets,
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
import { motoTestClients, testProject } from './test-world';
import type { CodePipelineJob } from '../../src/runtime/codepipeline-job';
import { runTestJob } from '../../src/runtime/integration-tests';
import { actingAs } from '../aws-contracts/handler-calls/acting-role';
import { failOnUnauthorizedHandlerCalls } from '../aws-contracts/handler-calls/jest-checks';
import { FaultWorlds } from '../aws-contracts/worlds/fault-worlds';
import { runActionToCompletion } from '../fixtures/codepipeline-driver';
import { buildJob, SCALING } from '../pipeline/integration-tests/tests-fixtures';

/**
 * The Test step of a release whose suite fails, faulted at each AWS call in
 * turn against the suite's shared moto server (an endpoint and a CodeBuild
 * project per case): one build only, the endpoint serving throughout and
 * ending on the previous config, its autoscaling back, the job failing with
 * the same report as a clean run.
 */
const BOUNDS = `${SCALING.autoScaling.minInstances}-${SCALING.autoScaling.maxInstances}`;
const BUCKETS = 'faults-test-sweep';
/** Each case's pipeline: an autoscaled dev tested by a CodeBuild suite; the Test step acts as its test function's role. */
const WORLDS = new FaultWorlds(BUCKETS, {
  buckets: releaseBucketNames(BUCKETS),
  instanceCount: SCALING.autoScaling.minInstances,
  autoScaling: {
    minInstances: SCALING.autoScaling.minInstances,
    maxInstances: SCALING.autoScaling.maxInstances,
    targetInvocationsPerInstance: SCALING.autoScaling.targetInvocationsPerInstance,
  },
  tests: 'codebuild',
  names: (endpointName) => ({ ChurnTestsdevProjectBB33721E: testProject(endpointName) }),
});
failOnUnauthorizedHandlerCalls();


/** An endpoint a release moved from exec-old to exec-new (its variant autoscaled, as the release left it), and a test project whose next build fails. */
async function releasedWithFailingSuite(model: string) {
  const clients = motoTestClients();
  const spec = worldSpec(buckets, model);
  const endpointName = spec.environments.dev.endpointName;
  await serveRelease(clients.sagemaker, spec, ['exec-old', 'exec-new']);
  await registerScaling(clients.autoscaling, spec);
  const project = testProject(endpointName);
  await clients.codebuild.send(new CreateProjectCommand({
    name: project,
    source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - pytest' },
    artifacts: { type: 'NO_ARTIFACTS' },
    environment: { type: 'ARM_CONTAINER', image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0', computeType: 'BUILD_GENERAL1_SMALL' },
    serviceRole: 'arn:aws:iam::123456789012:role/tests',
  }));
  const failNext = await fetch(`${process.env.MOTO_ENDPOINT}/_mlops/codebuild/${project}/fail-next`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'FAILED', phase: 'BUILD', message: 'pytest: 1 failed' }),
  });
  expect(failNext.ok).toBe(true);
  const [previous, next] = [releaseOf(spec, 'exec-old'), releaseOf(spec, 'exec-new')];
  const job = buildJob({ endpointName, endpointConfigName: next, previousConfig: previous, build: { projectName: project }, scaling: SCALING });
  return { spec, project, previous, next, job };
}

async function testRelease(model: string, plan?: FaultPlan) {
  const world = await releasedWithFailingSuite(model);
  const clients = motoTestClients();
  const injector = new FaultInjector(plan).attach(clients.sagemaker, clients.codebuild, clients.autoscaling);
  const seen = recordDescribes(clients.sagemaker);
  const asTestFunction = WORLDS.role('test', caseModel(world.spec));
  const run = (j: CodePipelineJob) => actingAs(asTestFunction, () => runTestJob(j, clients));
  const { final } = await runActionToCompletion(redeliverAfterCrash(injector, run), world.job);
  // Looked at with clients of its own: the calls the sweep faults are the handler's only.
  const observer = motoTestClients();
  const builds = (await observer.codebuild.send(new ListBuildsForProjectCommand({ projectName: world.project }))).ids ?? [];
  return { ...world, final, injector, seen, builds, state: await worldState(observer, world.spec) };
}

let cleanCalls: string[];
let buckets: ReleaseBuckets;

beforeAll(async () => {
  buckets = await createReleaseBuckets(BUCKETS);
  const clean = await testRelease('tsweep-clean');
  if (!/Rolled back to/.test(clean.final.message)) {
    throw new Error(`The test step without faults did not roll back: ${clean.final.message}`);
  }
  cleanCalls = clean.injector.calls;
});

/** A failing suite with one fault; what a clean run leaves, or what differs. */
async function rollbackCase(plan: FaultPlan): Promise<string | undefined> {
  const run = await testRelease(`tsweep-${FAULT_TAG[plan.kind]}-${plan.at}`, plan);
  const down = notServing(run.seen, [run.previous, run.next]);
  const actual = {
    kind: run.final.kind,
    rolledBack: run.final.message.endsWith(`. Rolled back to ${run.previous} (endpoint ${run.spec.environments.dev.endpointName}); autoscaling restored (${BOUNDS} instances)`),
    failures: run.final.message.includes('FAILED in phase BUILD (pytest: 1 failed)'),
    builds: run.builds.length,
    endpoint: run.state.endpoint,
    scalableTargets: run.state.scalableTargets,
    down,
  };
  const expected = {
    kind: 'failed',
    rolledBack: true,
    failures: true,
    builds: 1,
    endpoint: { status: 'InService', config: run.previous },
    scalableTargets: 1,
    down: [],
  };
  return JSON.stringify(actual) === JSON.stringify(expected) ? undefined : `${JSON.stringify(actual)} ${run.final.message}`;
}

test('the sweep covers the build, the rollback and the restored autoscaling', () => {
  expect(cleanCalls).toEqual(expect.arrayContaining([
    'StartBuildCommand', 'BatchGetBuildsCommand', 'DescribeEndpointCommand', 'DeregisterScalableTargetCommand',
    'UpdateEndpointCommand', 'RegisterScalableTargetCommand', 'PutScalingPolicyCommand',
  ]));
});

test.each(FAULT_KINDS)('a failing suite with one %s fault at each call in turn: one build, the endpoint serving throughout and back on the previous config with its autoscaling', async (kind) => {
  expect(await sweep(kind, cleanCalls, rollbackCase)).toEqual([]);
});
