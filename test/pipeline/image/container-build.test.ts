import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ByomPipeline, ModelImage } from '../../../src';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';
import { basicProps, modelBucket, newStack } from '../fixtures';

function containerPipeline(stack: Stack): ByomPipeline {
  const image = ModelImage.fromContainerSource(modelBucket(stack, 'Containers'), 'churn/container.zip');
  return new ByomPipeline(stack, 'Churn', basicProps(stack, { image, environments: [{ name: 'dev' }, { name: 'prod' }] }));
}

describe('custom container images', () => {
  test('the zip is a second source, built in a Build stage, and every deploy runs the built image by digest', () => {
    const stack = newStack();
    containerPipeline(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: [
        Match.objectLike({
          Name: 'Source',
          Actions: [
            Match.objectLike({ Name: 'ModelArtifact' }),
            Match.objectLike({ Name: 'ContainerSource', Namespace: 'ContainerSource', Configuration: Match.objectLike({ S3ObjectKey: 'churn/container.zip', PollForSourceChanges: false }) }),
          ],
        }),
        Match.objectLike({
          Name: 'Build',
          Actions: [Match.objectLike({
            ActionTypeId: Match.objectLike({ Category: 'Build', Provider: 'CodeBuild' }),
            Namespace: 'Build',
            Configuration: Match.objectLike({ EnvironmentVariables: Match.stringLikeRegexp('SOURCE_VERSION.*#\\{ContainerSource.VersionId\\}') }),
          })],
        }),
        Match.objectLike({
          Name: 'Deploy-dev',
          Actions: [Match.objectLike({ Configuration: Match.objectLike({ UserParameters: Match.stringLikeRegexp('"imageUri":"#\\{Build.IMAGE_URI\\}"') }) })],
        }),
        Match.objectLike({ Name: 'Share-dev' }),
        Match.objectLike({ Name: 'Deploy-prod' }),
        Match.objectLike({ Name: 'Share-prod' }),
      ],
    });
  });

  test('pushes to a private repository with immutable tags, scan on push, KMS encryption and a lifecycle rule', () => {
    const stack = newStack();
    containerPipeline(stack);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::ECR::Repository', {
      Properties: Match.objectLike({
        ImageTagMutability: 'IMMUTABLE',
        ImageScanningConfiguration: { ScanOnPush: true },
        EncryptionConfiguration: Match.objectLike({ EncryptionType: 'KMS' }),
        LifecyclePolicy: Match.objectLike({ LifecyclePolicyText: Match.stringLikeRegexp('"countNumber":20') }),
      }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: Match.objectLike({ PrivilegedMode: true, ComputeType: 'BUILD_GENERAL1_SMALL' }),
      Source: Match.objectLike({ BuildSpec: Match.stringLikeRegexp('exported-variables') }),
    });
  });

  test('a new version of the zip starts a release, as a new model artifact does', () => {
    const stack = newStack();
    containerPipeline(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { bucket: Match.anyValue(), object: { key: ['churn/container.zip'] } } }),
      // That very version is built: the container source action is pinned to the uploaded version.
      Targets: [Match.objectLike({
        InputTransformer: {
          InputPathsMap: { 'detail-object-version-id': '$.detail.object.version-id' },
          InputTemplate: '{"sourceRevisions":{"actionName":"ContainerSource","revisionType":"S3_OBJECT_VERSION_ID","revisionValue":<detail-object-version-id>}}',
        },
      })],
    });
  });

  test('the environments\' SageMaker roles may pull from the built repository', () => {
    const stack = newStack();
    containerPipeline(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('ChurnContainerBuildRepository'), 'Arn'] },
        })]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('ChurnEnvdevSageMakerRole') }],
    });
  });

  test('a pipeline with a custom container is cfn-lint and cdk-nag clean', () => {
    const stack = newStack();
    containerPipeline(stack);
    expectCfnLintClean(Template.fromStack(stack).toJSON());
    expectNagClean(stack);
  });

  test('rejects an unversioned bucket and a bad key for the container source, naming the image', () => {
    const stack = newStack();
    expect(() => ModelImage.fromContainerSource(new s3.Bucket(stack, 'Plain'), 'c.zip')).toThrow(/image: the container source bucket must have versioning enabled/);
    expect(() => ModelImage.fromContainerSource(modelBucket(stack, 'V'), '/c.zip')).toThrow(/image: container source key "\/c\.zip" must be a non-empty S3 key/);
  });

  test('binding a container source outside a pipeline says the pipeline builds it', () => {
    const stack = new Stack(new App(), 'S');
    const image = ModelImage.fromContainerSource(s3.Bucket.fromBucketName(stack, 'B', 'team-containers'), 'c.zip');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    expect(() => image.bind(stack, { role })).toThrow(/bound by ByomPipeline, which builds it first/);
  });
});
