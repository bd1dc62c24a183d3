import { CHURN_NAMES, churnWorld } from './churn-world';
import { codeBuildTestsWorld, CODEBUILD_TEST_PROJECT } from './codebuild-tests-world';
import { deploySettings, environmentDeploySpec, parameterValue, shareSettings } from './handler-settings';
import { deploySpec, envSpec } from '../../pipeline/deploy/deploy-fixtures';
import { PARAMS } from '../../pipeline/integration-tests/tests-fixtures';

/**
 * The churn worlds are the deployments the deploy, test and share fixtures'
 * calls are evaluated in: their functions must be told the same resources
 * the fixtures name, or the evaluation would judge another deployment's calls.
 */
test('the deploy settings name the fixtures\' pipeline and model artifact', () => {
  const { pipelineName, artifact } = deploySpec();
  expect(deploySettings(churnWorld())).toMatchObject({ pipelineName, artifact });
});

test('dev releases to the fixtures\' endpoint, under their release prefix and bucket, passing their SageMaker role', () => {
  const dev = envSpec();
  expect(environmentDeploySpec(churnWorld(), 'dev')).toMatchObject({
    endpointName: dev.endpointName,
    releasePrefix: dev.releasePrefix,
    variantName: dev.variantName,
    imageUri: dev.imageUri,
    executionRoleArn: dev.executionRoleArn,
    releaseBucket: dev.releaseBucket,
    releaseKeyPrefix: dev.releaseKeyPrefix,
  });
});

test('dev\'s request tests are in the parameter the test fixtures read, on the fixtures\' endpoint', () => {
  expect(JSON.parse(parameterValue(churnWorld(), CHURN_NAMES.devTestRequests))).toMatchObject({ requests: [expect.anything()] });
  expect(PARAMS.endpointName).toBe(envSpec().endpointName);
});

test('the share settings name the fixtures\' endpoint, API and release record', () => {
  expect(shareSettings(churnWorld()).environments.dev).toMatchObject({
    endpointName: envSpec().endpointName,
    parameterName: CHURN_NAMES.devReleaseRecord,
    api: { restApiName: 'churn-dev-inference', stageName: 'v1' },
  });
});

test('the CodeBuild-tested pipeline releases dev as the churn pipeline does, and tests it with the fixtures\' project', () => {
  expect(environmentDeploySpec(codeBuildTestsWorld(), 'dev')).toMatchObject({
    endpointName: envSpec().endpointName,
    releasePrefix: envSpec().releasePrefix,
    executionRoleArn: envSpec().executionRoleArn,
  });
  expect(codeBuildTestsWorld().stacks[0].resources.get('ChurnTestsdevProjectBB33721E')?.ref).toBe(CODEBUILD_TEST_PROJECT);
});
