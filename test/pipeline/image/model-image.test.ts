import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Framework, ModelImage } from '../../../src';

function roleIn(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
}

test('fromFramework rejects an unknown version at the call site, listing the known ones', () => {
  expect(() => ModelImage.fromFramework(Framework.XGBOOST, '9.9')).toThrow(/Unknown XGBoost version "9\.9": known versions are .*1\.7-1/);
});

test('binding a framework image in a region SageMaker does not publish it in fails, naming the region', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'xx-nowhere-1', account: '111111111111' } });
  const image = ModelImage.fromFramework(Framework.XGBOOST, '1.7-1');
  expect(() => image.bind(stack, { role: roleIn(stack) })).toThrow(/not published in region "xx-nowhere-1"/);
});

test('China regions use the amazonaws.com.cn registry domain', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'cn-north-1', account: '111111111111' } });
  const { imageUri } = ModelImage.fromFramework(Framework.SKLEARN, '1.2-1').bind(stack, { role: roleIn(stack) });
  expect(imageUri).toMatch(/^\d{12}\.dkr\.ecr\.cn-north-1\.amazonaws\.com\.cn\/sagemaker-scikit-learn:1\.2-1-cpu-py3$/);
});

test('a GPU instance asks for the GPU build, and a framework without one says so', () => {
  const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1', account: '111111111111' } });
  const image = ModelImage.fromFramework(Framework.SKLEARN, '1.2-1');
  expect(() => image.bind(stack, { role: roleIn(stack), instanceType: 'ml.g5.xlarge' })).toThrow(/scikit-learn 1\.2-1 has no gpu image/);
});

test('two environments of one agnostic stack share one registry mapping per framework', () => {
  const stack = new Stack(new App(), 'S');
  const image = ModelImage.fromFramework(Framework.PYTORCH, '2.6');
  image.bind(stack, { role: roleIn(stack) });
  image.bind(stack, { role: new iam.Role(stack, 'Role2', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }), instanceType: 'ml.g5.xlarge' });
  const mappings = stack.resolve((stack as any)._toCloudFormation().Mappings);
  expect(Object.keys(mappings)).toEqual(['MlopsImageRegistrypytorch']);
});
