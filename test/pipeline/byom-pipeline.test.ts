import { App, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { basicProps, modelBucket, newAgnosticStack, newStack, specOf } from './fixtures';
import { ByomPipeline, Framework, IntegrationTests, ModelArtifact, ModelImage } from '../../src';
import { MlopsValidationError } from '../../src/common/errors';

describe('ByomPipeline pipeline shape', () => {
  test('creates a V2 CodePipeline named after the model with a Source stage and Deploy and Share stages per environment, in order', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'dev' }, { name: 'staging' }, { name: 'prod' }] }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Name: 'churn-mlops',
      PipelineType: 'V2',
      Stages: [
        Match.objectLike({ Name: 'Source' }),
        Match.objectLike({ Name: 'Deploy-dev' }),
        Match.objectLike({ Name: 'Share-dev' }),
        Match.objectLike({ Name: 'Deploy-staging' }),
        Match.objectLike({ Name: 'Share-staging' }),
        Match.objectLike({ Name: 'Deploy-prod' }),
        Match.objectLike({ Name: 'Share-prod' }),
      ],
    });
  });

  test('honours an explicit pipelineName', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack, { pipelineName: 'team-a.churn' }));
    Template.fromStack(stack).hasResourceProperties('AWS::CodePipeline::Pipeline', { Name: 'team-a.churn' });
  });

  test('the source reads the artifact key without polling and exposes the object version as a variable', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack));
    Template.fromStack(stack).hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([Match.objectLike({
        Name: 'Source',
        Actions: [Match.objectLike({
          ActionTypeId: Match.objectLike({ Category: 'Source', Provider: 'S3' }),
          Configuration: Match.objectLike({ S3ObjectKey: 'churn/model.tar.gz', PollForSourceChanges: false }),
          Namespace: 'Source',
        })],
      })]),
    });
  });

  test('a new object version of the artifact starts the pipeline through EventBridge', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.s3'],
        'detail-type': ['Object Created'],
        'detail': { bucket: { name: [{ Ref: Match.stringLikeRegexp('Models') }] }, object: { key: ['churn/model.tar.gz'] } },
      },
      Targets: [Match.objectLike({ Arn: Match.anyValue(), RoleArn: Match.anyValue() })],
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: Match.objectLike({ EventBridgeConfiguration: {} }),
    });
  });

  test('each execution releases the version that was uploaded, not whatever version is newest when its Source action runs', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack));
    const template = Template.fromStack(stack);
    const rule = Object.values(template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.s3'] } } }))[0];
    const transformer = rule.Properties.Targets[0].InputTransformer;
    expect(transformer.InputPathsMap).toEqual({ 'detail-object-version-id': '$.detail.object.version-id' });
    // EventBridge puts the path's JSON value (a quoted string) where the bare placeholder stands.
    expect(JSON.parse(transformer.InputTemplate.replace('<detail-object-version-id>', '"v2"'))).toEqual({
      sourceRevisions: { actionName: 'ModelArtifact', revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: 'v2' },
    });
    // The override names the pipeline's own source action.
    const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
    expect(pipeline.Properties.Stages[0].Actions.map((a: { Name: string }) => a.Name)).toContain('ModelArtifact');
  });

  test('each Deploy action invokes the deploy function with the environment, the execution id and the artifact version', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack));
    Template.fromStack(stack).hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([Match.objectLike({
        Name: 'Deploy-dev',
        Actions: [Match.objectLike({
          ActionTypeId: Match.objectLike({ Category: 'Invoke', Provider: 'Lambda' }),
          Namespace: 'Deploy-dev',
          Configuration: Match.objectLike({
            UserParameters: '{"environment":"dev","executionId":"#{codepipeline.PipelineExecutionId}","artifactVersion":"#{Source.VersionId}"}',
          }),
        })],
      })]),
    });
  });
});

test('every action runs as the pipeline\'s role: no action has a role of its own, and that role may invoke only the pipeline\'s functions', () => {
  const stack = newStack();
  new ByomPipeline(stack, 'Churn', basicProps(stack, {
    environments: [{ name: 'dev' }, { name: 'prod', approval: true, tests: IntegrationTests.requests([{ body: '1,2,3' }]) }],
  }));
  const template = Template.fromStack(stack);
  const [pipeline] = Object.values(template.findResources('AWS::CodePipeline::Pipeline'));
  const actions = pipeline.Properties.Stages.flatMap((stage: { Actions: object[] }) => stage.Actions);
  expect(actions).toHaveLength(7);
  expect(actions.filter((action: { RoleArn?: unknown }) => action.RoleArn !== undefined)).toEqual([]);
  const roleIds = Object.keys(template.findResources('AWS::IAM::Role'));
  expect(roleIds.filter((id) => id.includes('CodePipelineActionRole'))).toEqual([]);

  const pipelineRole = pipeline.Properties.RoleArn['Fn::GetAtt'][0];
  const invokes = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: pipelineRole }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement: { Action: string | string[] }) => [statement.Action].flat().includes('lambda:InvokeFunction'));
  const invoked = new Set(invokes.flatMap((statement: { Resource: unknown }) => [statement.Resource].flat())
    .map((resource: any) => JSON.stringify(resource).match(/"([A-Za-z0-9]+)","Arn"/)?.[1]));
  const functions = Object.keys(template.findResources('AWS::Lambda::Function'));
  expect([...invoked].every((id) => id !== undefined && functions.includes(id))).toBe(true);
  expect(invoked.size).toBeGreaterThanOrEqual(3);
});

describe('ByomPipeline deploy function', () => {
  test('runs on arm64 with a pinned Node.js runtime and JSON logs kept one year by default', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('logRetention sets how long the handler logs are kept', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack, { logRetention: logs.RetentionDays.ONE_MONTH }));
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('the deploy spec names a stable endpoint, release prefix, the default instance and the region\'s XGBoost image', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack));
    const variable = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(variable).toContain('\\"key\\":\\"churn/model.tar.gz\\"');
    expect(variable).toContain('\\"endpointName\\":\\"churn-dev\\"');
    expect(specOf(pipeline, 'dev')).toMatchObject({
      endpointName: 'churn-dev',
      releasePrefix: 'churn-dev',
      variantName: 'AllTraffic',
      imageUri: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
      instanceType: 'ml.m5.large',
      initialInstanceCount: 1,
      releaseKeyPrefix: 'releases/churn-dev/',
      keepReleases: 2,
    });
  });

  test('instanceType, instanceCount, keepReleases and tags reach the deploy spec', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, {
      keepReleases: 5,
      environments: [{ name: 'prod', instanceType: 'ml.c5.xlarge', instanceCount: 3, tags: { team: 'growth' } }],
    }));
    const spec = specOf(pipeline, 'prod');
    expect(spec).toMatchObject({ instanceType: 'ml.c5.xlarge', initialInstanceCount: 3, keepReleases: 5 });
    expect(spec.tags).toEqual(expect.arrayContaining([
      { key: 'mlops:environment', value: 'prod' },
      { key: 'team', value: 'growth' },
    ]));
  });

  test('may manage only its environment\'s endpoint and the release models and configs under its prefix', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack, { modelName: 'churn' }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['sagemaker:CreateModel', 'sagemaker:DeleteModel', 'sagemaker:DescribeModel', 'sagemaker:AddTags'],
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':model/churn-dev-\\*$')])] },
          }),
          Match.objectLike({
            Action: Match.arrayWith(['sagemaker:CreateEndpoint', 'sagemaker:UpdateEndpoint']),
            Resource: Match.arrayWith([{ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':endpoint/churn-dev$')])] }]),
          }),
          Match.objectLike({
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
          }),
        ]),
      },
    });
  });
});

test('the deploy function reads only the artifact key (any version) and lists only that key', () => {
  const stack = newStack();
  new ByomPipeline(stack, 'Churn', basicProps(stack));
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([
        Match.objectLike({
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Resource: { 'Fn::Join': ['', Match.arrayWith(['/churn/model.tar.gz'])] },
        }),
        Match.objectLike({
          Action: 's3:ListBucket',
          Condition: { StringEquals: { 's3:prefix': 'churn/model.tar.gz' } },
        }),
      ]),
    },
  });
});

describe('ByomPipeline SageMaker role', () => {
  test('can read only its environment\'s release copies and pull only the framework image repository', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })],
      }),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Resource: { 'Fn::Join': ['', Match.arrayWith(['/releases/churn-dev/*'])] },
          }),
          Match.objectLike({
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':683313688378:repository/sagemaker-xgboost$')])] },
          }),
        ]),
      },
    });
  });

  test('an environment-agnostic stack looks the image registry account up per region at deploy time', () => {
    const stack = newAgnosticStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack));
    const template = Template.fromStack(stack);
    const [mapping] = Object.values<any>(template.toJSON().Mappings);
    expect(mapping['us-east-1']).toEqual({ account: '683313688378' });
    expect(JSON.stringify(template.toJSON())).toContain('Fn::FindInMap');
  });

  test('GPU instance types get the GPU build of a deep learning framework image', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, {
      image: ModelImage.fromFramework(Framework.PYTORCH, '2.6'),
      environments: [{ name: 'cpu', instanceType: 'ml.m5.xlarge' }, { name: 'gpu', instanceType: 'ml.g5.xlarge' }],
    }));
    expect(specOf(pipeline, 'cpu').imageUri).toMatch(/pytorch-inference:2\.6[^ ]*-cpu-/);
    expect(specOf(pipeline, 'gpu').imageUri).toMatch(/pytorch-inference:2\.6[^ ]*-gpu-/);
  });

  test('fromImageUri passes the URI through unchanged', () => {
    const stack = newStack();
    const uri = '111111111111.dkr.ecr.us-east-1.amazonaws.com/churn:3';
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, { image: ModelImage.fromImageUri(uri) }));
    expect(specOf(pipeline, 'dev').imageUri).toBe(uri);
  });
});

describe('ByomPipeline artifact bucket', () => {
  test('is KMS-encrypted with a rotating key, versioned, TLS-only, private and access-logged, and retained by default', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'artifacts/' }),
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      }),
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('bucketRemovalPolicy applies to the pipeline\'s buckets', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack, { bucketRemovalPolicy: RemovalPolicy.DESTROY }));
    const buckets = Template.fromStack(stack).findResources('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    expect(Object.keys(buckets).length).toBe(2);
  });
});

describe('ByomPipeline environments', () => {
  test('addEnvironment appends a Deploy stage after the existing ones and returns the environment', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack));
    const prod = pipeline.addEnvironment({ name: 'prod', instanceCount: 2 });
    expect(prod.endpointName).toBe('churn-prod');
    expect(prod.instanceCount).toBe(2);
    expect(pipeline.environments.map((e) => e.name)).toEqual(['dev', 'prod']);
    expect(pipeline.endpointName('prod')).toBe('churn-prod');
    Template.fromStack(stack).hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: [
        Match.objectLike({ Name: 'Source' }),
        Match.objectLike({ Name: 'Deploy-dev' }),
        Match.objectLike({ Name: 'Share-dev' }),
        Match.objectLike({ Name: 'Deploy-prod' }),
        Match.objectLike({ Name: 'Share-prod' }),
      ],
    });
  });

  test('a pipeline may start without environments and get them later: the one added gets its stages, deploy spec and clean-up', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: undefined }));
    pipeline.addEnvironment({ name: 'dev' });
    expect(pipeline.environments.map((e) => e.name)).toEqual(['dev']);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: [
        Match.objectLike({ Name: 'Source' }),
        Match.objectLike({ Name: 'Deploy-dev' }),
        Match.objectLike({ Name: 'Share-dev' }),
      ],
    });
    expect(specOf(pipeline, 'dev')).toMatchObject({ endpointName: 'churn-dev', releasePrefix: 'churn-dev' });
    template.hasResourceProperties('Custom::MlopsReleaseCleanup', {
      Environments: [{ endpointName: 'churn-dev', releasePrefix: 'churn-dev', variantName: 'AllTraffic' }],
    });
  });

  test('a pipeline with no environment fails synthesis with a message saying so', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [] }));
    expect(() => App.of(stack)!.synth()).toThrow(/needs at least one environment/);
  });

  test('endpointName of an unknown environment names it', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack));
    expect(() => pipeline.endpointName('qa')).toThrow(/no environment "qa"/);
  });

  test('addEnvironment rejects a name already used', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack));
    expect(() => pipeline.addEnvironment({ name: 'dev' })).toThrow(/environments\[1\]\.name: "dev" is already an environment/);
  });

  test('long model and environment names give endpoint names within SageMaker\'s 63 characters, stable across synths', () => {
    const names = [1, 2].map(() => {
      const stack = newStack();
      const p = new ByomPipeline(stack, 'P', basicProps(stack, { modelName: 'a'.repeat(40), environments: [{ name: 'b'.repeat(20) }, { name: 'b'.repeat(19) + 'c' }] }));
      return p.environments.map((e) => e.endpointName);
    });
    expect(names[0]).toEqual(names[1]);
    expect(names[0][0]).not.toEqual(names[0][1]);
    for (const name of names[0]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/);
    }
  });
});

describe('ByomPipeline validation', () => {
  function expectProblems(build: (stack: Stack) => void, ...patterns: RegExp[]) {
    const stack = newStack();
    let error: unknown;
    try {
      build(stack);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MlopsValidationError);
    for (const pattern of patterns) {
      expect((error as Error).message).toMatch(pattern);
    }
  }

  test.each([
    ['modelName with characters SageMaker rejects', { modelName: 'churn_v2' }, /modelName: "churn_v2" may hold lower-case letters, digits and single hyphens only/],
    ['modelName starting with a hyphen', { modelName: '-churn' }, /modelName: "-churn"/],
    ['modelName longer than 40', { modelName: 'a'.repeat(41) }, /modelName: must be 1 to 40 characters, got 41/],
    ['an unresolved modelName', { modelName: Token.asString({ Ref: 'Name' }) }, /modelName: must be a literal string/],
    ['pipelineName with a space', { pipelineName: 'my pipeline' }, /pipelineName: "my pipeline" must be 1-100 characters/],
    ['keepReleases of 0', { keepReleases: 0 }, /keepReleases: must be a whole number from 1 to 20, got 0/],
    ['a fractional keepReleases', { keepReleases: 1.5 }, /keepReleases: must be a whole number from 1 to 20, got 1.5/],
    ['an environment name with a dot', { environments: [{ name: 'dev.1' }] }, /environments\[0\]\.name: "dev\.1" may hold lower-case letters/],
    ['an environment name longer than 20', { environments: [{ name: 'e'.repeat(21) }] }, /environments\[0\]\.name: must be 1 to 20 characters, got 21/],
    ['an unresolved environment name', { environments: [{ name: Token.asString({ Ref: 'Env' }) }] }, /environments\[0\]\.name: must be a literal string/],
    ['a duplicate environment name', { environments: [{ name: 'dev' }, { name: 'prod' }, { name: 'dev' }] }, /environments\[2\]\.name: "dev" is already the name of environments\[0\]/],
    ['an instance type that is not a SageMaker one', { environments: [{ name: 'dev', instanceType: 'm5.large' }] }, /environments\[0\]\.instanceType: "m5\.large" is not a SageMaker real-time hosting instance type \(did you mean "ml\.m5\.large"\?\)/],
    ['an instance count of 0', { environments: [{ name: 'dev', instanceCount: 0 }] }, /environments\[0\]\.instanceCount: must be a whole number from 1 to 100, got 0/],
    ['a reserved tag key', { environments: [{ name: 'dev', tags: { 'aws:owner': 'x' } }] }, /environments\[0\]\.tags: key "aws:owner" uses the reserved "aws:" prefix/],
    ['a tag value longer than 256', { environments: [{ name: 'dev', tags: { owner: 'x'.repeat(257) } }] }, /environments\[0\]\.tags: value of "owner" must be at most 256 characters/],
  ])('rejects %s, naming the prop', (_what, overrides, pattern) => {
    expectProblems((stack) => new ByomPipeline(stack, 'P', basicProps(stack, overrides as any)), pattern);
  });

  test('rejects an artifact key with a leading slash', () => {
    expectProblems((stack) => new ByomPipeline(stack, 'P', basicProps(stack, {
      artifact: ModelArtifact.fromBucket(modelBucket(stack, 'B'), '/churn/model.tar.gz'),
    })), /artifact: "\/churn\/model\.tar\.gz" must not start with "\/" \(S3 keys are relative to the bucket\)/);
  });

  test('rejects an unversioned bucket created in the app', () => {
    expectProblems((stack) => new ByomPipeline(stack, 'P', basicProps(stack, {
      artifact: ModelArtifact.fromBucket(new s3.Bucket(stack, 'Plain'), 'm.tar.gz'),
    })), /artifact: bucket must have versioning enabled/);
  });

  test('accepts an imported bucket, whose versioning cannot be checked: the source reads it and its uploads start the pipeline', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'P', basicProps(stack, {
      artifact: ModelArtifact.fromBucket(s3.Bucket.fromBucketName(stack, 'Imported', 'team-models'), 'm.tar.gz'),
    }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: Match.arrayWith([Match.objectLike({
        Name: 'Source',
        Actions: [Match.objectLike({
          ActionTypeId: Match.objectLike({ Category: 'Source', Provider: 'S3' }),
          Configuration: Match.objectLike({ S3Bucket: 'team-models', S3ObjectKey: 'm.tar.gz', PollForSourceChanges: false }),
        })],
      })]),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { bucket: { name: ['team-models'] }, object: { key: ['m.tar.gz'] } } }),
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: 'team-models',
      NotificationConfiguration: Match.objectLike({ EventBridgeConfiguration: {} }),
    });
  });

  test('reports every problem at once', () => {
    expectProblems(
      (stack) => new ByomPipeline(stack, 'P', basicProps(stack, { modelName: 'bad_name', keepReleases: 0, environments: [{ name: 'x', instanceCount: -1 }] })),
      /modelName:/, /keepReleases:/, /environments\[0\]\.instanceCount:/,
    );
  });

  test('passes tokens through unchecked where they only resolve at deploy time: they reach the deploy spec parameter', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'P', basicProps(stack, {
      environments: [{ name: 'dev', instanceType: Token.asString({ Ref: 'Type' }), instanceCount: Token.asNumber({ Ref: 'Count' }) }],
    }));
    expect(specOf(pipeline, 'dev')).toMatchObject({ instanceType: { Ref: 'Type' }, initialInstanceCount: { Ref: 'Count' } });
    const [deploySpec] = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Parameter', {
      Properties: { Value: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"endpointName":"churn-dev"')])] } },
    }));
    const parts = deploySpec.Properties.Value['Fn::Join'][1];
    // Each Ref stands right after its field's key, where the deploy handler reads it.
    expect(parts[parts.findIndex((part: unknown) => JSON.stringify(part) === '{"Ref":"Type"}') - 1]).toMatch(/"instanceType":"$/);
    expect(parts[parts.findIndex((part: unknown) => JSON.stringify(part) === '{"Ref":"Count"}') - 1]).toMatch(/"initialInstanceCount":$/);
  });
});

describe('ByomPipeline deploy settings', () => {
  test('each environment\'s deploy spec is an SSM parameter the deploy function may read', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'dev' }, { name: 'prod' }] }));
    const template = Template.fromStack(stack);
    // One deploy spec and one release record (the share stage's) per environment.
    template.resourceCountIs('AWS::SSM::Parameter', 4);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: Match.arrayWith(['ssm:GetParameter']),
          Resource: { 'Fn::Join': ['', Match.arrayWith([{ Ref: Match.stringLikeRegexp('ChurnDeploySpecdev') }])] },
        })]),
      },
    });
  });

  test('twelve environments fit in one stack, under CloudFormation\'s 500 resources, each with its stages and deploy spec', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [] }));
    const names = Array.from({ length: 12 }, (_, i) => `environment-${i}`);
    for (const name of names) {
      pipeline.addEnvironment({ name, tags: { owner: 'team-with-a-rather-long-name' } });
    }
    // The app's synthesis runs aws-cdk-lib's check of the stack's resource count (500).
    const template = App.of(stack)!.synth().getStackByName(stack.stackName).template;
    expect(Object.keys(template.Resources).length).toBeLessThanOrEqual(500);
    const [codePipeline] = Object.values(Template.fromJSON(template).findResources('AWS::CodePipeline::Pipeline'));
    expect(codePipeline.Properties.Stages.map((stage: { Name: string }) => stage.Name)).toEqual(['Source', ...names.flatMap((name) => [`Deploy-${name}`, `Share-${name}`])]);
    for (const name of names) {
      expect(specOf(pipeline, name)).toMatchObject({ endpointName: `churn-${name}`, tags: expect.arrayContaining([{ key: 'owner', value: 'team-with-a-rather-long-name' }]) });
    }
  });

  test('an environment whose settings would not fit in an SSM parameter fails synthesis, naming it', () => {
    const stack = newStack();
    const tags = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`tag-${i}`, 'v'.repeat(250)]));
    new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'dev', tags }] }));
    expect(() => App.of(stack)!.synth()).toThrow(/deploy settings of environment "dev" take about \d+ characters, more than the 4096 an SSM parameter holds/);
  });
});

describe('ByomPipeline notifications', () => {
  test('the pipeline has a topic, subscribed by the given emails, that its release events reach', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, { notifications: { emails: ['ml-team@example.com'] } }));
    const topicArn = stack.resolve(pipeline.topic.topicArn);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: topicArn, Protocol: 'email', Endpoint: 'ml-team@example.com' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ 'source': ['aws.codepipeline'], 'detail-type': ['CodePipeline Pipeline Execution State Change'] }),
      Targets: Match.arrayWith([Match.objectLike({ Arn: topicArn })]),
    });
  });

  test('a bad email is reported with the other problems, naming it', () => {
    const stack = newStack();
    expect(() => new ByomPipeline(stack, 'Churn', basicProps(stack, { keepReleases: 0, notifications: { emails: ['not-an-email'] } })))
      .toThrow(/keepReleases:[\s\S]*notifications\.emails\[0\]: "not-an-email" is not an email address/);
  });
});

describe('ByomPipeline approvals', () => {
  test('an environment with approval gets a manual approval stage right before its deploy stage', () => {
    const stack = newStack();
    new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'dev' }, { name: 'prod', approval: true }] }));
    Template.fromStack(stack).hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: [
        Match.objectLike({ Name: 'Source' }),
        Match.objectLike({ Name: 'Deploy-dev' }),
        Match.objectLike({ Name: 'Share-dev' }),
        Match.objectLike({
          Name: 'Approve-prod',
          Actions: [Match.objectLike({
            ActionTypeId: Match.objectLike({ Category: 'Approval', Provider: 'Manual' }),
            Configuration: { CustomData: 'Release churn to prod (endpoint churn-prod)?' },
          })],
        }),
        Match.objectLike({ Name: 'Deploy-prod' }),
        Match.objectLike({ Name: 'Share-prod' }),
      ],
    });
  });
});

describe('ByomPipeline clean-up on delete', () => {
  test('a clean-up resource covers every environment, and the pipeline and deploy function are deleted before it runs', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'dev' }] }));
    pipeline.addEnvironment({ name: 'prod' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('Custom::MlopsReleaseCleanup', {
      Environments: [
        { endpointName: 'churn-dev', releasePrefix: 'churn-dev', variantName: 'AllTraffic' },
        { endpointName: 'churn-prod', releasePrefix: 'churn-prod', variantName: 'AllTraffic' },
      ],
    });
    const [cleanupId] = Object.keys(template.findResources('Custom::MlopsReleaseCleanup'));
    template.hasResource('AWS::CodePipeline::Pipeline', { DependsOn: Match.arrayWith([cleanupId]) });
    template.hasResource('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { MLOPS_DEPLOY_SPEC: Match.anyValue() } } },
      DependsOn: Match.arrayWith([cleanupId]),
    });
  });
});

describe('ByomPipeline test and share stages', () => {
  test('an environment with tests gets Test between Deploy and Share; every environment shares through its own API', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, {
      environments: [{
        name: 'dev',
        tests: IntegrationTests.requests([{ name: 'scores', body: '0.7,1.0', contentType: 'text/csv', expect: { status: 200 } }]),
      }],
    }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Stages: [
        Match.objectLike({ Name: 'Source' }),
        Match.objectLike({ Name: 'Deploy-dev' }),
        Match.objectLike({ Name: 'Test-dev' }),
        Match.objectLike({ Name: 'Share-dev' }),
      ],
    });
    // The user parameters hold tokens (parameter names), so they render as Fn::Join.
    const stages = JSON.stringify(template.findResources('AWS::CodePipeline::Pipeline'));
    expect(stages).toContain('#{Deploy-dev.PreviousEndpointConfigName}');
    expect(stages).toContain('#{Deploy-dev.EndpointConfigName}');
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    expect(pipeline.environments[0].api?.url).toBeDefined();
  });

  test('grantInvoke on an environment allows POST /invocations on its API only', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack));
    const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    pipeline.environments[0].grantInvoke(caller);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({
          Action: 'execute-api:Invoke',
          Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/POST/invocations$')])] },
        })],
      },
      Roles: [{ Ref: Match.stringLikeRegexp('Caller') }],
    });
  });
});
