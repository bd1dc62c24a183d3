import type { DeploySettings, EnvironmentDeploySpec } from '../../../src/contract/deploy-settings';
import type { ShareSettings } from '../../../src/contract/share-settings';
import { CLEANUP_ROLE_PROPERTY, HANDLER_ROLE_PARAMETER, SETTINGS_PARAMETER } from '../../../src/contract/shared-handler-settings';
import { SHARED_ACCOUNT, SHARED_NAMES, SharedHandler, sharedWorld } from '../../aws-contracts/worlds/shared-world';
import { DEV } from '../cleanup/cleanup-fixtures';
import { MODEL_BUCKET, RELEASE_BUCKET } from '../deploy/deploy-fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * shared-handlers.moto.test.ts checks the shared handlers' calls against
 * the shared world (an MlopsFramework and the churn pipeline's stack): only
 * worth something if what the stack tells the handlers names what that test
 * creates in the emulator, and the roles it passes are the stack's own.
 */
const shared = sharedWorld();
const variables = new Proxy({}, { has: () => true, get: (_target, name) => `<${String(name)}>` }) as Record<string, string>;

test('the deploy settings name the fixtures\' model and release buckets, and the stack\'s execution role', () => {
  const deploy = shared.userParameters('Deploy-dev', variables);
  const settings: DeploySettings = JSON.parse(shared.parameters.get(String(deploy[SETTINGS_PARAMETER]))!);
  expect(SHARED_NAMES).toEqual({ assetsBucket: MODEL_BUCKET, releaseBucket: RELEASE_BUCKET });
  expect(settings).toMatchObject({ pipelineName: shared.pipelineName, artifact: { bucket: MODEL_BUCKET, key: 'churn/model.tar.gz' } });
  const spec: EnvironmentDeploySpec = JSON.parse(shared.parameters.get(settings.environmentParameters!.dev)!);
  expect(spec).toMatchObject({ endpointName: 'churn-dev', releasePrefix: DEV.releasePrefix, variantName: DEV.variantName, releaseBucket: RELEASE_BUCKET });
  expect(shared.world.roleByArn(spec.executionRoleArn)?.arn).toMatch(new RegExp(`^arn:aws:iam::${SHARED_ACCOUNT}:role/mlops-churn-`));
});

test('the share settings name the inference API the fixture creates, and a release record of the stack', () => {
  const share = shared.userParameters('Share-dev', variables);
  const settings: ShareSettings = JSON.parse(shared.parameters.get(String(share[SETTINGS_PARAMETER]))!);
  const dev = settings.environments.dev;
  expect(dev).toMatchObject({ endpointName: 'churn-dev', api: { restApiName: 'churn-dev-inference', stageName: 'v1', restApiId: shared.restApiId('churn-dev-inference') } });
  expect(shared.parameters.get(dev.parameterName)).toBe('{"shared":false}');
});

test('the test suite is the one the fixture\'s canned answer passes', () => {
  const tests = shared.userParameters('Test-dev', variables);
  expect(JSON.parse(shared.parameters.get(String(tests.requestsParameter))!)).toEqual({
    requests: [{ name: 'score', body: '{"features":[1]}', contentType: 'application/json', status: 200, jsonPath: [{ path: '$.score', min: 0.5 }] }],
  });
});

test('each handler role the stack passes trusts only its shared function, in a session tagged with this pipeline or stack', () => {
  const roles: Array<[SharedHandler, unknown, string, string]> = [
    ['deploy', shared.userParameters('Deploy-dev', variables)[HANDLER_ROLE_PARAMETER], 'mlops:pipeline', shared.pipelineName],
    ['test', shared.userParameters('Test-dev', variables)[HANDLER_ROLE_PARAMETER], 'mlops:pipeline', shared.pipelineName],
    ['share', shared.userParameters('Share-dev', variables)[HANDLER_ROLE_PARAMETER], 'mlops:pipeline', shared.pipelineName],
    ['cleanup', shared.cleanupProperties[CLEANUP_ROLE_PROPERTY], 'mlops:stack', shared.pipeline.stack.stackName],
  ];
  for (const [handler, roleArn, tag, value] of roles) {
    const role = shared.world.roleByArn(String(roleArn));
    expect({ handler, stack: role && shared.pipeline.stack.resources.has(role.logicalId) }).toEqual({ handler, stack: true });
    expect(role!.trustPolicy.Statement).toEqual([expect.objectContaining({
      Principal: { AWS: shared.sharedHandler(handler).role.arn },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: { [`aws:RequestTag/${tag}`]: value } },
    })]);
  }
  // The pipeline CodePipeline reports for the jobs is the stack's, named like it.
  expect(shared.pipelineName).toBe(shared.pipeline.stack.stackName);
});

test('the clean-up is asked about the fixture\'s environment, through the framework\'s clean-up provider', () => {
  expect(shared.cleanupProperties.Environments).toEqual([DEV]);
  expect(shared.cleanupProperties.ServiceToken).toBe(shared.framework.provisionSettings.sharedHandlers.cleanup.serviceToken);
});
