import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { trainSettingsIn, trainingProps } from './training-fixtures';
import { Framework, ModelImage, MlopsValidationError, TrainedModelApproval, TrainingImage, TrainingPipeline } from '../../src';
import { newAgnosticStack, newStack, thrownBy } from '../pipeline/fixtures';

function synth(overrides: Parameters<typeof trainingProps>[1] = {}) {
  const stack = newStack();
  const pipeline = new TrainingPipeline(stack, 'Churn', trainingProps(stack, overrides));
  return { stack, pipeline, template: Template.fromStack(stack) };
}

const XGBOOST_URI = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';

describe('TrainingPipeline: the pipeline', () => {
  const { template, pipeline } = synth();

  test('is a V2 CodePipeline: training data source, Train, Register', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Name: 'churn-training',
      PipelineType: 'V2',
      Stages: [
        Match.objectLike({ Name: 'Source', Actions: [Match.objectLike({ Name: 'TrainingData', Configuration: { S3Bucket: Match.anyValue(), S3ObjectKey: 'churn/train.csv', PollForSourceChanges: false } })] }),
        Match.objectLike({
          Name: 'Train',
          Actions: [Match.objectLike({
            Name: 'Train',
            Namespace: 'Train',
            Configuration: Match.objectLike({ UserParameters: JSON.stringify({ step: 'train', executionId: '#{codepipeline.PipelineExecutionId}', dataVersion: '#{Source.VersionId}' }) }),
          })],
        }),
        Match.objectLike({
          Name: 'Register',
          Actions: [Match.objectLike({
            Name: 'Register',
            Configuration: Match.objectLike({
              UserParameters: JSON.stringify({ step: 'register', trainingJobName: '#{Train.TrainingJobName}', modelDataUrl: '#{Train.ModelDataUrl}', dataVersion: '#{Source.VersionId}' }),
            }),
          })],
        }),
      ],
    });
  });

  test('a new version of the data object starts it, pinned to that version', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { object: { key: ['churn/train.csv'] } } },
      Targets: [Match.objectLike({
        InputTransformer: {
          InputPathsMap: { 'detail-object-version-id': '$.detail.object.version-id' },
          InputTemplate: Match.stringLikeRegexp('"actionName":"TrainingData","revisionType":"S3_OBJECT_VERSION_ID","revisionValue":<detail-object-version-id>'),
        },
      })],
    });
  });

  test('creates a model package group named after the pipeline, kept when the stack is deleted', () => {
    template.hasResource('AWS::SageMaker::ModelPackageGroup', {
      Properties: { ModelPackageGroupName: 'churn-training' },
      DeletionPolicy: 'Retain',
    });
    expect(pipeline.modelPackageGroupName).toBe('churn-training');
  });

  test('the train function has Lambda\'s longest timeout, for the copy of a large data object, within CodePipeline\'s 20 minutes', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MLOPS_TRAINING_SPEC: Match.anyValue() }) },
      Timeout: 900,
      Architectures: ['arm64'],
    });
  });

  test('emails go through an encrypted topic on each run\'s outcome, in the words of training', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const ended = template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { 'detail-type': ['CodePipeline Pipeline Execution State Change'], 'detail': { pipeline: ['churn-training'], state: ['SUCCEEDED', 'FAILED', 'SUPERSEDED'] } } },
    });
    const message = JSON.stringify(Object.values(ended).map((r: any) => r.Properties.Targets[0].InputTransformer.InputTemplate));
    expect(message).toContain('Training run of churn-training');
    expect(message).toContain('registered as a new version of the model package group churn-training');
    expect(message).not.toMatch(/release/i);
    const failed = template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { 'detail-type': ['CodePipeline Action Execution State Change'], 'detail': { state: ['FAILED'] } } },
    });
    expect(JSON.stringify(Object.values(failed).map((r: any) => r.Properties.Targets[0].InputTransformer.InputTemplate)))
      .toContain('Train runs the SageMaker training job');
  });

  test('no rule waits for an approval the pipeline does not have', () => {
    expect(Object.keys(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { detail: { type: { category: ['Approval'] } } } } }))).toEqual([]);
  });

  test('email subscriptions, success announcements off, and a topic from another region refused', () => {
    const stack = newStack();
    new TrainingPipeline(stack, 'Churn', trainingProps(stack, { notifications: { emails: ['ml-team@example.com'], notifyOnSuccess: false } }));
    const quiet = Template.fromStack(stack);
    quiet.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-team@example.com' });
    quiet.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ detail: { pipeline: ['churn-training'], state: ['FAILED', 'SUPERSEDED'] } }) });

    const other = newStack();
    const elsewhere = sns.Topic.fromTopicArn(other, 'Elsewhere', 'arn:aws:sns:eu-west-1:111111111111:ml');
    expect(() => new TrainingPipeline(other, 'Churn', trainingProps(other, { notifications: { topic: elsewhere } })))
      .toThrow(/notifications\.topic: must be in this stack's region \(us-east-1\), is in eu-west-1/);
  });
});

describe('TrainingPipeline: what the train handler is told', () => {
  test('XGBoost\'s built-in image, the defaults, and pending manual approval', () => {
    const settings = trainSettingsIn(synth().template);
    expect(settings).toEqual({
      pipelineName: 'churn-training',
      jobPrefix: 'churn-training-train',
      data: { bucket: '<token>', key: 'churn/train.csv' },
      channelName: 'train',
      contentType: 'text/csv',
      workBucket: '<token>',
      output: { s3Uri: 's3://<token>/training-output/', kmsKeyArn: '<token>' },
      roleArn: '<token>',
      trainingImage: XGBOOST_URI,
      hyperParameters: { objective: 'binary:logistic', num_round: '50' },
      instanceType: 'ml.m5.xlarge',
      instanceCount: 1,
      volumeSizeGb: 30,
      maxRuntimeSeconds: 43200,
      modelPackageGroupName: 'churn-training',
      approvalStatus: 'PendingManualApproval',
      inferenceImage: XGBOOST_URI,
      supportedContentTypes: ['text/csv'],
      supportedResponseTypes: ['text/csv'],
    });
  });

  test('every training setting, spot training, an existing group and another inference image', () => {
    const settings = trainSettingsIn(synth({
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      networkIsolation: true,
      volumeSize: Size.gibibytes(100),
      maxRuntime: Duration.hours(4),
      spot: { maxWait: Duration.hours(6) },
      existingModelPackageGroupName: 'Churn-Models',
      approvalStatus: TrainedModelApproval.APPROVED,
      inferenceImage: ModelImage.fromImageUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-serve:1'),
      supportedContentTypes: ['text/csv', 'application/json'],
      supportedResponseTypes: ['application/json'],
    }).template);
    expect(settings).toMatchObject({
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      networkIsolation: true,
      interContainerEncryption: true,
      volumeSizeGb: 100,
      maxRuntimeSeconds: 14400,
      spot: { maxWaitSeconds: 21600 },
      modelPackageGroupName: 'Churn-Models',
      approvalStatus: 'Approved',
      inferenceImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/churn-serve:1',
      supportedContentTypes: ['text/csv', 'application/json'],
      supportedResponseTypes: ['application/json'],
    });
  });

  test('traffic between instances is encrypted unless the team opts out; one instance has none to encrypt', () => {
    expect(trainSettingsIn(synth({ instanceCount: 3, encryptInterContainerTraffic: false }).template).interContainerEncryption).toBeUndefined();
    expect(trainSettingsIn(synth({ instanceCount: 3 }).template).interContainerEncryption).toBe(true);
    expect(trainSettingsIn(synth().template).interContainerEncryption).toBeUndefined();
    expect(trainSettingsIn(synth().template).networkIsolation).toBeUndefined();
  });

  test('spot training waits twice the runtime by default, within the 23 hours a run may take', () => {
    expect(trainSettingsIn(synth({ spot: {}, maxRuntime: Duration.hours(4) }).template).spot).toEqual({ maxWaitSeconds: 8 * 3600 });
    expect(trainSettingsIn(synth({ spot: {} }).template).spot).toEqual({ maxWaitSeconds: 23 * 3600 });
  });

  test('an existing group is not created, and its ARN names it', () => {
    const { template, stack, pipeline } = synth({ existingModelPackageGroupName: 'Churn-Models' });
    template.resourceCountIs('AWS::SageMaker::ModelPackageGroup', 0);
    expect(stack.resolve(pipeline.modelPackageGroupArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111111111111:model-package-group/churn-models']],
    });
  });

  test('a custom training image from ECR is pulled by the training role and serves the model by default', () => {
    const stack = newStack();
    const repository = new ecr.Repository(stack, 'Repo');
    new TrainingPipeline(stack, 'Churn', trainingProps(stack, { image: TrainingImage.fromEcrRepository(repository, 'v3') }));
    const template = Template.fromStack(stack);
    const settings = trainSettingsIn(template);
    expect(settings.trainingImage).toMatch(/\.dkr\.ecr\.<token>\.<token>\/<token>:v3$/);
    expect(settings.inferenceImage).toBe(settings.trainingImage);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ChurnTrainingRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'] })]) },
    });
  });
});

describe('TrainingPipeline: additional channels', () => {
  const stack = newStack();
  const validation = new s3.Bucket(stack, 'Validation');
  new TrainingPipeline(stack, 'Churn', trainingProps(stack, {
    additionalChannels: [{ name: 'validation', location: { bucket: validation, prefix: 'churn/validation/' }, contentType: 'text/csv' }],
  }));
  const template = Template.fromStack(stack);

  test('are handed to the handler with their S3 URIs', () => {
    expect(trainSettingsIn(template).extraChannels).toEqual([{ name: 'validation', s3Uri: 's3://<token>/churn/validation/', contentType: 'text/csv' }]);
  });

  test('SageMaker may list and read exactly their prefix', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^ChurnTrainingRole') }] } }))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 's3:GetObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Validation/), 'Arn'] }, '/churn/validation/*']] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 's3:ListBucket',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Validation/), 'Arn'] },
      Condition: { StringLike: { 's3:prefix': 'churn/validation/*' } },
    }));
  });

  test('each needs a valid name of its own, and there are at most 19', () => {
    const location = { bucket: s3.Bucket.fromBucketName(newStack(), 'B', 'team-validation'), prefix: 'v/' };
    expect(() => synth({ additionalChannels: [{ name: 'train', location }, { name: 'bad name', location }, { name: 'ok', location, contentType: 'csv' }] }))
      .toThrow(/additionalChannels\[0\]\.name: "train" is already a channel[\s\S]*additionalChannels\[1\]\.name: "bad name" must be 1-64 characters[\s\S]*additionalChannels\[2\]\.contentType/);
    const twenty = Array.from({ length: 20 }, (_, i) => ({ name: `c${i}`, location }));
    expect(() => synth({ additionalChannels: twenty })).toThrow(/additionalChannels: may have at most 19 channels/);
  });
});

describe('TrainingPipeline: output location', () => {
  test('SageMaker writes the models where it is told, and may write nowhere else', () => {
    const stack = newStack();
    const models = new s3.Bucket(stack, 'Models', { encryption: s3.BucketEncryption.KMS });
    new TrainingPipeline(stack, 'Churn', trainingProps(stack, { outputLocation: { bucket: models, prefix: 'churn/models/' } }));
    const template = Template.fromStack(stack);

    expect(trainSettingsIn(template).output).toEqual({ s3Uri: 's3://<token>/churn/models/', kmsKeyArn: '<token>' });
    const statements = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^ChurnTrainingRole') }] } }))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Models/), 'Arn'] }, '/churn/models/*']] },
    }));
    expect(JSON.stringify(statements)).not.toContain('training-output/');
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ModelsKey/), 'Arn'] },
    }));
  });

  test('a prefix must end in a slash', () => {
    const stack = newStack();
    expect(() => new TrainingPipeline(stack, 'Churn', trainingProps(stack, { outputLocation: { bucket: new s3.Bucket(stack, 'Models'), prefix: 'churn/models' } })))
      .toThrow(/outputLocation\.prefix: "churn\/models" must end with "\/"/);
  });
});

describe('TrainingPipeline: another inference image', () => {
  test('is recorded by URI, and neither the training role nor the image\'s repository is granted anything for it', () => {
    const stack = newStack();
    const serving = new ecr.Repository(stack, 'Serving');
    new TrainingPipeline(stack, 'Churn', trainingProps(stack, { inferenceImage: ModelImage.fromEcrRepository(serving, 'v7') }));
    const template = Template.fromStack(stack);

    expect(trainSettingsIn(template).inferenceImage).toMatch(/\/<token>:v7$/);
    expect(trainSettingsIn(template).trainingImage).toBe(XGBOOST_URI);
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).not.toMatch(/Serving[0-9A-F]{8}/);
    template.hasResourceProperties('AWS::ECR::Repository', { RepositoryPolicyText: Match.absent() });
  });

  test('nor in an environment-agnostic stack', () => {
    const stack = newAgnosticStack();
    new TrainingPipeline(stack, 'Churn', trainingProps(stack, { inferenceImage: ModelImage.fromEcrRepository(new ecr.Repository(stack, 'Serving'), 'v7') }));
    const template = Template.fromStack(stack);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(/Serving[0-9A-F]{8}/);
    template.hasResourceProperties('AWS::ECR::Repository', { RepositoryPolicyText: Match.absent() });
  });
});

describe('TrainingPipeline: least privilege', () => {
  const { template } = synth({ spot: {} });
  const policyOf = (rolePrefix: string) => {
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${rolePrefix}`) }] } });
    return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  };

  test('the handler may pass only the training role, and only to SageMaker', () => {
    const passes = policyOf('ChurnTrainRole').filter((s: any) => s.Action === 'iam:PassRole');
    expect(passes).toEqual([{
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ChurnTrainingRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }]);
  });

  test('the handler starts only this pipeline\'s jobs and registers only into its group, with its approval status', () => {
    const statements = policyOf('ChurnTrainRole');
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111111111111:training-job/churn-training-train-*']] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'sagemaker:AddTags',
      Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['mlops:pipeline'] } },
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111111111111:training-job/churn-training-train-*']] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'sagemaker:CreateModelPackage',
      Condition: { StringEquals: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' } },
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111111111111:model-package/churn-training/*']] },
    }));
  });

  test('SageMaker reads only the runs\' data copies, writes models and checkpoints under their prefixes, and training metrics only', () => {
    const statements = policyOf('ChurnTrainingRole');
    const bucketObjects = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^ChurnWorkBucket/), 'Arn'] }, `/${prefix}*`]] });
    expect(statements).toContainEqual(expect.objectContaining({ Action: 's3:GetObject', Resource: bucketObjects('training-data/') }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: bucketObjects('training-output/') }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'], Resource: bucketObjects('training-checkpoints/') }));
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' } },
    }));
    const writes = statements.filter((s: any) => [s.Action].flat().some((a: string) => /^s3:(Put|Delete)/.test(a)));
    expect(writes.map((s: any) => JSON.stringify(s.Resource))).not.toContainEqual(expect.stringContaining('training-data/'));
  });

  test('without spot training SageMaker cannot touch checkpoints', () => {
    const plain = synth().template;
    const statements = Object.values(plain.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(JSON.stringify(statements)).not.toContain('training-checkpoints/');
  });
});

describe('TrainingPipeline: validation', () => {
  test('every bad prop is reported at once, each naming the prop', () => {
    const stack = newStack();
    const error = thrownBy(() => new TrainingPipeline(stack, 'Churn', trainingProps(stack, {
      pipelineName: 'Churn_Training',
      trainingData: { bucket: new s3.Bucket(stack, 'Unversioned'), key: '', channelName: 'train data', contentType: 'csv' },
      hyperParameters: { num_round: 'x'.repeat(2501) },
      instanceType: 'ml.m5.larg',
      instanceCount: 0,
      volumeSize: Size.gibibytes(20000),
      maxRuntime: Duration.days(29),
      spot: { maxWait: Duration.hours(1) },
      existingModelPackageGroupName: '-churn',
      supportedContentTypes: ['json'],
      notifications: { emails: ['not-an-address'] },
    })));
    expect(error).toBeInstanceOf(MlopsValidationError);
    const message = (error as Error).message;
    for (const path of [
      'pipelineName', 'trainingData.key', 'trainingData.bucket', 'trainingData.channelName', 'trainingData.contentType', 'hyperParameters.num_round',
      'instanceType', 'instanceCount', 'volumeSize (GiB)', 'maxRuntime', 'spot.maxWait', 'existingModelPackageGroupName',
      'supportedContentTypes[0]', 'notifications.emails[0]',
    ]) {
      expect(message).toContain(path);
    }
    expect(message).toContain('"ml.m5.larg" is not a SageMaker training instance type (did you mean "ml.m5.large"?)');
    expect(message).toContain('maxRuntime: must be at most 23 hours (CodePipeline fails a Lambda invoke action after 24 hours, and the run must end before), got 2505600 s');
    expect(stack.node.tryFindChild('Churn')).toBeUndefined();
  });

  test('a training instance type hosting does not offer is accepted, and a hosting-only one is not', () => {
    expect(() => synth({ instanceType: 'ml.p3dn.24xlarge' })).not.toThrow();
    expect(() => synth({ instanceType: 'ml.inf2.xlarge' })).toThrow(/instanceType: "ml.inf2.xlarge" is not a SageMaker training instance type/);
  });

  test('too many hyperparameters are refused', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, '1']));
    expect(() => synth({ hyperParameters: many })).toThrow(/hyperParameters: may have at most 100 entries, got 101/);
  });

  test('a framework without a built-in training image in the catalog is refused with the alternatives', () => {
    expect(() => TrainingImage.fromFramework(Framework.PYTORCH, '2.6'))
      .toThrow(/image: PyTorch has no built-in training image in this library yet/);
  });

  test('the bucket is destroyed with the stack when asked', () => {
    synth({ removalPolicy: RemovalPolicy.DESTROY }).template.hasResource('AWS::SageMaker::ModelPackageGroup', { DeletionPolicy: 'Delete' });
  });
});
