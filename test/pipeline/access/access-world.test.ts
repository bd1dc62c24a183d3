import { ACCESS_NAMES, accessWorld, PROD_ACCOUNT, PROD_REGION } from '../../aws-contracts/worlds/access-world';
import { MODEL_BUCKET, RELEASE_BUCKET } from '../deploy/deploy-fixtures';

/**
 * cross-account.moto.test.ts checks the handlers' calls against the access
 * world (a ByomPipeline and the MlopsEnvironmentAccess stack of its prod
 * environment): only worth something if what the stacks tell the handlers
 * names what that test creates in the emulator, and the access role, bucket
 * and execution role are the ones the environment's stack made.
 */
const access = accessWorld();
const variables = new Proxy({}, { has: () => true, get: (_target, name) => `<${String(name)}>` }) as Record<string, string>;
const prodResources = [...access.prodStack.resources.values()];
const prodRole = (name: string) => prodResources.find((r) => r.type === 'AWS::IAM::Role' && r.ref === name);

test('the deploy settings name the fixtures\' model and release buckets, and prod\'s role, bucket and execution role over there', () => {
  expect(ACCESS_NAMES).toEqual({ modelBucket: MODEL_BUCKET, releaseBucket: RELEASE_BUCKET });
  expect(access.deploySettings.artifact).toEqual({ bucket: MODEL_BUCKET, key: 'churn/model.tar.gz' });
  const spec = access.prodDeploySpec;
  expect(spec).toMatchObject({ endpointName: 'churn-prod', releasePrefix: 'churn-prod', releaseBucket: RELEASE_BUCKET, releaseKeyPrefix: 'releases/churn-prod/' });
  expect(spec.access).toEqual({
    roleArn: prodRole('churn-prod-mlops-access')?.arn,
    region: PROD_REGION,
    releaseBucket: prodResources.find((r) => r.type === 'AWS::S3::Bucket' && r.ref === spec.access!.releaseBucket)?.ref,
  });
  expect(spec.executionRoleArn).toBe(prodRole('churn-prod-mlops-sagemaker')?.arn);
  expect(access.prodStack).toMatchObject({ account: PROD_ACCOUNT, region: PROD_REGION });
});

test('the test and share actions, the share settings and the clean-up reach prod through the same role and region', () => {
  const through = { roleArn: access.prodDeploySpec.access!.roleArn, region: PROD_REGION };
  const tests = access.userParameters('Test-prod', variables);
  expect(tests.access).toEqual(through);
  expect(JSON.parse(access.parameters.get(String(tests.requestsParameter))!)).toEqual({
    requests: [{ name: 'answers', body: '0.7,1.0', contentType: 'text/csv', status: 200 }],
  });
  const prod = access.shareSettings.environments.prod;
  expect(prod.access).toEqual(through);
  expect(access.parameters.get(prod.parameterName)).toBe('{"shared":false}');
  expect(access.cleanupProperties.Environments).toEqual([{ endpointName: 'churn-prod', releasePrefix: 'churn-prod', variantName: 'AllTraffic', access: through }]);
});

test('the share settings name prod\'s inference API as its stack made it', () => {
  const api = prodResources.find((r) => r.type === 'AWS::ApiGateway::RestApi');
  expect(api?.ref).toBe(access.prodRestApiId);
  expect(access.shareSettings.environments.prod.api).toEqual({ restApiName: api?.properties.Name, stageName: 'v1' });
});
