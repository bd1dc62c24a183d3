import { FaultWorlds } from './fault-worlds';
import { environmentDeploySpec, parameterValue, shareSettings } from './handler-settings';
import { withoutApiDeploymentHashes } from './pipeline-family';
import { endpointNameFor } from '../../../src/contract/naming';
import { releaseBucketNames, worldSpec } from '../../faults/release-world';
import { testProject, testRequestsParameter } from '../../faults/test-world';

/**
 * The fault tests' calls are evaluated in a pipeline per case, each made from
 * one synthesis by putting the case's model name in (pipeline-family.ts). A
 * member must be the pipeline CDK synthesizes for that model, and must name
 * what the release fixtures name for the case.
 */
const BUCKETS = releaseBucketNames('faults-family-test');
const worlds = new FaultWorlds('faults-family-test', {
  buckets: BUCKETS,
  autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 100 },
  tests: 'codebuild',
  names: (endpointName) => ({ ChurnTestsdevProjectBB33721E: testProject(endpointName) }),
});

test.each(['sweep-ut-3', 'x', 'csweep-dev-ct-12'])('the member for model %s is the template CDK synthesizes for it, but for its API deployment\'s definition hash', (model) => {
  expect(withoutApiDeploymentHashes(worlds.family.substitute(model))).toEqual(withoutApiDeploymentHashes(worlds.family.synthesize(model)));
});

test('a model whose names SageMaker\'s limits would cut has no member: no substitution makes those names', () => {
  expect(() => worlds.family.substitute('m'.repeat(60))).toThrow(/makes names SageMaker's limits cut/);
});

test('a member releases to the endpoint, release prefix, bucket and SageMaker role the release fixtures name for its case', () => {
  const fixture = worldSpec({ ...BUCKETS, version: 'v1' }, 'sweep-uc-7').environments.dev;
  expect(environmentDeploySpec(worlds.family.world('sweep-uc-7'), 'dev')).toMatchObject({
    endpointName: fixture.endpointName,
    releasePrefix: fixture.releasePrefix,
    variantName: fixture.variantName,
    executionRoleArn: fixture.executionRoleArn,
    releaseBucket: fixture.releaseBucket,
    releaseKeyPrefix: fixture.releaseKeyPrefix,
  });
});

test('a member tests with the project the test fixtures make for its endpoint', () => {
  const world = worlds.family.world('tsweep-c-2');
  const project = world.stacks[0].resources.get('ChurnTestsdevProjectBB33721E');
  expect(project?.ref).toBe(testProject(endpointNameFor('tsweep-c-2', 'dev')));
});

test('members of request-tested and shared pipelines keep their requests and release record where the fixtures do, and have APIs of their own', () => {
  const requestTested = new FaultWorlds('faults-family-requests', {
    buckets: BUCKETS,
    tests: 'requests',
    names: (endpointName) => ({ ChurnTestsRequestsdev: testRequestsParameter(endpointName), ChurnEnvdevInferenceApiRelease: `CFN-${endpointName}-release-record` }),
  });
  const [a, b] = ['share-c-1', 'share-c-2'].map((model) => requestTested.family.world(model));
  expect(JSON.parse(parameterValue(a, testRequestsParameter('share-c-1-dev')))).toMatchObject({ requests: [expect.anything()] });
  expect(shareSettings(a).environments.dev).toMatchObject({ endpointName: 'share-c-1-dev', parameterName: 'CFN-share-c-1-dev-release-record', api: { restApiName: 'share-c-1-dev-inference' } });
  // Each case's API is created on the shared emulator with its pipeline's ID: they must differ.
  expect(shareSettings(a).environments.dev.api.restApiId).not.toEqual(shareSettings(b).environments.dev.api.restApiId);
});
