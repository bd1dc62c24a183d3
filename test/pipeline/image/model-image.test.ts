import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ByomPipeline, Framework, ModelImage } from '../../../src';
import { expectNagClean } from '../../harness/nag';
import { basicProps, newStack } from '../fixtures';

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

describe('fromEcrRepository', () => {
  test('pulls by tag or pinned digest from the repository, and grants pull on that repository only', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1', account: '111111111111' } });
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn');
    const role = roleIn(stack);
    const byTag = ModelImage.fromEcrRepository(repo, 'v3').bind(stack, { role });
    expect(stack.resolve(byTag.imageUri)).toEqual({ 'Fn::Join': ['', ['111111111111.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/churn:v3']] });
    const digest = `sha256:${'a'.repeat(64)}`;
    const byDigest = ModelImage.fromEcrRepository(repo, digest).bind(stack, { role });
    expect(JSON.stringify(stack.resolve(byDigest.imageUri))).toContain(`/churn@${digest}`);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:us-east-1:111111111111:repository/churn']] },
        })]),
      },
    });
  });

  test('rejects a tag ECR would not accept, naming it', () => {
    const stack = new Stack(new App(), 'S');
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'churn');
    expect(() => ModelImage.fromEcrRepository(repo, 'bad tag!')).toThrow(/image: "bad tag!" is neither an ECR image tag nor a sha256 digest/);
  });

  test('a pipeline whose image comes from ECR stays cdk-nag clean', () => {
    const stack = newStack();
    const repo = new ecr.Repository(stack, 'Repo', { imageScanOnPush: true });
    new ByomPipeline(stack, 'Churn', basicProps(stack, { image: ModelImage.fromEcrRepository(repo, 'v3') }));
    expectNagClean(stack);
  });
});
