import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ByomPipeline, EnvironmentProps, IntegrationTests, MlopsEnvironmentAccess, ModelImage } from '../../../src';
import { expectCfnLintClean } from '../../harness/cfn-lint';
import { expectNagClean } from '../../harness/nag';
import { MODERN_APP_CONTEXT, TEST_ENV, basicProps, modelBucket } from '../fixtures';

const PROD_ENV = { account: '222222222222', region: 'eu-west-1' };
const ACCESS_ROLE = 'churn-prod-mlops-access';
const EXECUTION_ROLE = 'churn-prod-mlops-sagemaker';
const RELEASE_BUCKET = 'churn-prod-222222222222-eu-west-1-releases';

const PROD: EnvironmentProps = {
  name: 'prod',
  ...PROD_ENV,
  approval: true,
  instanceCount: 2,
  autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 100 },
  dataCapture: { samplingPercentage: 10 },
};

/** A dev environment next to the pipeline and a prod one in another account and region, as a team would write it. */
function crossAccountApp(prod: EnvironmentProps = PROD, image?: (stack: Stack) => ModelImage) {
  const app = new App({ context: MODERN_APP_CONTEXT });
  const pipelineStack = new Stack(app, 'Pipeline', { env: TEST_ENV });
  const prodStack = new Stack(app, 'Prod', { env: { account: prod.account, region: prod.region } });
  const pipeline = new ByomPipeline(pipelineStack, 'Churn', basicProps(pipelineStack, {
    environments: [{ name: 'dev' }, prod],
    ...(image ? { image: image(pipelineStack) } : {}),
  }));
  const access = new MlopsEnvironmentAccess(prodStack, 'ChurnProd', { pipeline, environmentName: 'prod' });
  return { app, pipelineStack, prodStack, pipeline, access };
}

function deploySpecOf(stack: Stack, environment: string): any {
  const params = Template.fromStack(stack).findResources('AWS::SSM::Parameter', { Properties: { Description: Match.stringLikeRegexp(`releases to environment ${environment}$`) } });
  const value = Object.values(params)[0].Properties.Value;
  return JSON.parse(typeof value === 'string' ? value : value['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join(''));
}

function statementsOf(template: Template, rolePattern: RegExp): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p: any) => p.Properties.Roles.some((r: any) => rolePattern.test(JSON.stringify(r))))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('a pipeline with an environment in another account and region', () => {
  const { pipelineStack, pipeline } = crossAccountApp();
  const template = Template.fromStack(pipelineStack);
  const prod = pipeline.environments[1];

  test('knows the environment is remote, and where', () => {
    expect(prod).toMatchObject({ isRemote: true, account: '222222222222', region: 'eu-west-1' });
    expect(pipeline.environments[0]).toMatchObject({ isRemote: false, account: TEST_ENV.account, region: TEST_ENV.region });
  });

  test('the deploy spec names the access role, the region, the environment\'s bucket and its execution role', () => {
    const spec = deploySpecOf(pipelineStack, 'prod');
    expect(spec.access).toEqual({ roleArn: `arn:TOKEN:iam::222222222222:role/${ACCESS_ROLE}`, region: 'eu-west-1', releaseBucket: RELEASE_BUCKET });
    expect(spec.executionRoleArn).toBe(`arn:TOKEN:iam::222222222222:role/${EXECUTION_ROLE}`);
    // The framework image of the environment's region, not the pipeline's.
    expect(spec.imageUri).toMatch(/\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/sagemaker-xgboost:/);
    expect(spec.dataCapture.destinationS3Uri).toBe(`s3://${RELEASE_BUCKET}/data-capture/churn-prod/`);
    expect(spec.deployment.rollbackAlarms).toEqual(['churn-prod-model-5xx-errors', 'churn-prod-model-latency']);
    expect(deploySpecOf(pipelineStack, 'dev').access).toBeUndefined();
  });

  test('the deploy, share and clean-up handlers may assume the access role, and have no SageMaker rights over there', () => {
    const assume = {
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::222222222222:role/${ACCESS_ROLE}`]] },
    };
    for (const handler of [/DeployRole/, /ShareRole/, /CleanupRole/]) {
      expect(statementsOf(template, handler)).toContainEqual(assume);
    }
    const sageMakerResources = JSON.stringify(statementsOf(template, /DeployRole/).filter((s) => JSON.stringify(s.Action).includes('sagemaker:')));
    expect(sageMakerResources).toContain('churn-dev');
    expect(sageMakerResources).not.toContain('churn-prod');
  });

  test('the artifact bucket and its key let the access role read that environment\'s release copies only', () => {
    const principal = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::222222222222:role/${ACCESS_ROLE}`]] } };
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 's3:GetObject',
          Principal: principal,
          Resource: { 'Fn::Join': ['', [Match.anyValue(), '/releases/churn-prod/*']] },
        })]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'kms:Decrypt',
          Principal: principal,
          Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } },
        })]),
      },
    });
  });

  test('keeps the release record here, and leaves the alarms and the API to the other account', () => {
    expect(prod.api).toBeUndefined();
    expect(prod.errorsAlarm).toBeUndefined();
    expect(prod.releaseParameter).toBeDefined();
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    expect(() => prod.grantInvoke(new iam.AccountRootPrincipal())).toThrow(/runs in 222222222222\/eu-west-1: .*MlopsEnvironmentAccess/);
  });

  test('every environment\'s API goes live on share: here by ID, over there by its derived name', () => {
    expect(pipeline.environments[0].api?.liveOnShare).toBe(true);
    const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { MLOPS_SHARE_SETTINGS: Match.anyValue() } } } }))[0] as any;
    const settings = JSON.stringify(fn.Properties.Environment.Variables.MLOPS_SHARE_SETTINGS);
    expect(settings).toMatch(/\\"api\\":\{\\"restApiId\\":\\"",\{"Ref":"ChurnEnvdevInferenceApi[0-9A-F]+"\}/);
    expect(settings).toContain('\\"api\\":{\\"restApiName\\":\\"churn-prod-inference\\",\\"stageName\\":\\"v1\\"}');
  });

  test('metrics say which account and region they come from', () => {
    expect(prod.metricInvocations()).toMatchObject({ account: '222222222222', region: 'eu-west-1' });
    expect(pipeline.environments[0].metricInvocations().account).toBeUndefined();
  });

  test('is cfn-lint clean and cdk-nag clean', () => {
    expectCfnLintClean(template.toJSON());
    expectNagClean(pipelineStack);
  });
});

describe('MlopsEnvironmentAccess', () => {
  const { prodStack, access } = crossAccountApp();
  const template = Template.fromStack(prodStack);

  test('creates the role the pipeline account may assume, under the name the pipeline derives', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: ACCESS_ROLE,
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Action: 'sts:AssumeRole',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
        })],
      },
    });
  });

  test('the role may release to this one endpoint, invoke it, and pass only its execution role', () => {
    const statements = JSON.stringify(statementsOf(template, /ChurnProdRole/));
    expect(statements).toContain(':sagemaker:eu-west-1:222222222222:endpoint/churn-prod');
    expect(statements).toContain(':sagemaker:eu-west-1:222222222222:model/churn-prod-*');
    expect(statements).toContain('sagemaker:InvokeEndpoint');
    expect(statements).toContain('application-autoscaling:RegisterScalableTarget');
    expect(statements).toContain('iam:CreateServiceLinkedRole');
    // Going live: find the API by name, then update its own stage only.
    expect(statementsOf(template, /ChurnProdRole/)).toContainEqual(expect.objectContaining({
      Action: 'apigateway:PATCH',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:eu-west-1::/restapis/', { Ref: expect.stringMatching(/^ChurnProdInferenceApi/) }, '/stages/v1']] },
    }));
    expect(statements).toContain(':apigateway:eu-west-1::/restapis"');
    expect(statementsOf(template, /ChurnProdRole/)).toContainEqual(expect.objectContaining({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ChurnProdSageMakerRole/), 'Arn'] },
    }));
    // Reading the first copy in the pipeline's account is limited to that account by condition.
    expect(statementsOf(template, /ChurnProdRole/)).toContainEqual(expect.objectContaining({
      Action: 's3:GetObject',
      Condition: { StringEquals: { 's3:ResourceAccount': '111111111111' } },
    }));
  });

  test('creates the execution role and the release bucket under the names the pipeline derives, encrypted and TLS-only', () => {
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: EXECUTION_ROLE });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: RELEASE_BUCKET,
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'releases/' }),
    });
    expect(access.releaseBucket.bucketName).toBeDefined();
  });

  test('creates the rollback alarms the deploy spec names, and the inference API without a release record', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-prod-model-5xx-errors' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'churn-prod-model-latency' });
    template.resourceCountIs('AWS::ApiGateway::RestApi', 1);
    template.resourceCountIs('AWS::SSM::Parameter', 0);
    expect(access.api.releaseParameter).toBeUndefined();
    expect(access.endpointName).toBe('churn-prod');
  });

  test('grantInvoke allows POST /invocations on the environment\'s API', () => {
    const fresh = crossAccountApp();
    const caller = new iam.Role(fresh.prodStack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    fresh.access.grantInvoke(caller);
    const statements = statementsOf(Template.fromStack(fresh.prodStack), /Caller/);
    expect(JSON.stringify(statements)).toContain('/POST/invocations');
  });

  test('is cfn-lint clean and cdk-nag clean', () => {
    const fresh = crossAccountApp();
    expectCfnLintClean(Template.fromStack(fresh.prodStack).toJSON());
    expectNagClean(fresh.prodStack);
  });
});

describe('a pipeline-built container in another account', () => {
  const { pipelineStack, prodStack } = crossAccountApp({ ...PROD, region: 'us-east-1' },
    (stack) => ModelImage.fromContainerSource(modelBucket(stack, 'Containers'), 'churn/container.zip'));

  test('the repository lets the environment\'s execution role pull, and that role may pull from the pipeline account', () => {
    Template.fromStack(pipelineStack).hasResourceProperties('AWS::ECR::Repository', {
      RepositoryPolicyText: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: Match.arrayWith(['ecr:BatchGetImage']),
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::222222222222:role/${EXECUTION_ROLE}`]] } },
        })]),
      },
    });
    const statements = JSON.stringify(statementsOf(Template.fromStack(prodStack), /ChurnProdSageMakerRole/));
    expect(statements).toContain(':ecr:us-east-1:111111111111:repository/*');
  });

  test('both stacks are cdk-nag clean', () => {
    expectNagClean(pipelineStack);
    expectNagClean(prodStack);
  });
});

describe('tests of an environment in another account', () => {
  const requests = IntegrationTests.requests([{ name: 'answers', body: '1,2', contentType: 'text/csv', expect: { status: 200 } }]);
  const suite = IntegrationTests.codeBuild({ buildSpec: codebuild.BuildSpec.fromObject({ version: '0.2', phases: { build: { commands: ['./run-tests.sh'] } } }) });

  test('request tests: the test handler assumes the access role and is told to, with no SageMaker rights of its own there', () => {
    const { pipelineStack } = crossAccountApp({ ...PROD, tests: requests });
    const template = Template.fromStack(pipelineStack);
    const statements = JSON.stringify(statementsOf(template, /TestsRole/));
    expect(statements).toContain(`:iam::222222222222:role/${ACCESS_ROLE}`);
    expect(statements).not.toContain('sagemaker:');
    const stages = JSON.stringify(template.findResources('AWS::CodePipeline::Pipeline'));
    expect(stages).toContain('\\"access\\":{\\"roleArn\\":\\"arn:');
    expect(stages).toContain('\\"region\\":\\"eu-west-1\\"');
  });

  test('CodeBuild tests: the build gets the environment\'s region and the role to assume, and may assume only that', () => {
    const { pipelineStack } = crossAccountApp({ ...PROD, tests: suite });
    const template = Template.fromStack(pipelineStack);
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: {
        EnvironmentVariables: Match.arrayWith([
          { Name: 'AWS_REGION', Type: 'PLAINTEXT', Value: 'eu-west-1' },
          { Name: 'MLOPS_ACCESS_ROLE_ARN', Type: 'PLAINTEXT', Value: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::222222222222:role/${ACCESS_ROLE}`]] } },
        ]),
      },
    });
    const project = JSON.stringify(statementsOf(template, /TestsprodProjectRole/));
    expect(project).toContain('sts:AssumeRole');
    expect(project).not.toContain('sagemaker:InvokeEndpoint');
  });
});

describe('an environment elsewhere with its own key and VPC', () => {
  test('both stacks synthesize from literal IDs, and the key, subnets and groups reach the deploy spec and the roles', () => {
    const app = new App({ context: MODERN_APP_CONTEXT });
    const pipelineStack = new Stack(app, 'Pipeline', { env: TEST_ENV });
    const prodStack = new Stack(app, 'Prod', { env: PROD_ENV });
    const keyArn = 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const vpc = ec2.Vpc.fromVpcAttributes(pipelineStack, 'ProdVpc', { vpcId: 'vpc-0prod', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0prod'] });
    const pipeline = new ByomPipeline(pipelineStack, 'Churn', basicProps(pipelineStack, {
      environments: [{
        ...PROD,
        kmsKey: kms.Key.fromKeyArn(pipelineStack, 'ProdKey', keyArn),
        vpc,
        securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(pipelineStack, 'ProdGroup', 'sg-0prod')],
      }],
    }));
    new MlopsEnvironmentAccess(prodStack, 'ChurnProd', { pipeline, environmentName: 'prod' });
    const assembly = app.synth();
    const spec = deploySpecOf(pipelineStack, 'prod');
    expect(spec).toMatchObject({ kmsKeyArn: keyArn, vpcConfig: { subnets: ['subnet-0prod'], securityGroupIds: ['sg-0prod'] } });
    // The key's statements name the key, never '*'.
    const prod = Template.fromJSON(assembly.getStackByName('Prod').template);
    for (const role of [/ChurnProdSageMakerRole/, /ChurnProdRole/]) {
      const kmsStatements = statementsOf(prod, role).filter((st) => JSON.stringify(st.Action).includes('kms:') && JSON.stringify(st).includes(keyArn));
      expect(kmsStatements.length).toBeGreaterThan(0);
      expect(statementsOf(prod, role).filter((st) => JSON.stringify(st.Action).includes('kms:') && st.Resource === '*')).toEqual([]);
    }
    expect(JSON.stringify(statementsOf(prod, /ChurnProdSageMakerRole/))).toContain('ec2:CreateNetworkInterface');
    expectNagClean(prodStack);
  });
});

describe('cross-account validation', () => {
  test('an environment elsewhere needs the pipeline stack to name its account and region', () => {
    const app = new App();
    const stack = new Stack(app, 'Agnostic');
    expect(() => new ByomPipeline(stack, 'P', basicProps(stack, { environments: [{ name: 'prod', account: '222222222222' }] })))
      .toThrow(/environments\[0\]\.account: needs the pipeline's stack to name its own account and region/);
  });

  test('account and region must be well formed, and a VPC elsewhere needs its security groups', () => {
    const app = new App();
    const stack = new Stack(app, 'P', { env: TEST_ENV });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'] });
    const props = basicProps(stack, {
      environments: [
        { name: 'a', account: '2222' },
        { name: 'b', region: 'Europe' },
        { name: 'c', ...PROD_ENV, vpc },
      ],
    });
    // One error lists every problem.
    expect(() => new ByomPipeline(stack, 'P', props)).toThrow(new RegExp([
      'environments\\[0\\]\\.account: "2222" is not an AWS account ID[^]*',
      'environments\\[1\\]\\.region: "Europe" is not an AWS region[^]*',
      'environments\\[2\\]\\.securityGroups: must be given for a VPC environment in another account or region',
    ].join('')));
  });

  test('a container the pipeline builds cannot go to another region', () => {
    const app = new App();
    const stack = new Stack(app, 'P', { env: TEST_ENV });
    expect(() => new ByomPipeline(stack, 'P', basicProps(stack, {
      image: ModelImage.fromContainerSource(modelBucket(stack, 'Containers'), 'c.zip'),
      environments: [{ name: 'prod', ...PROD_ENV }],
    }))).toThrow(/environments\[0\]\.region: must be the pipeline's region \(us-east-1\) with a container the pipeline builds/);
  });

  test('MlopsEnvironmentAccess names the environment it cannot host, and why', () => {
    const { app, pipeline } = crossAccountApp();
    const elsewhere = new Stack(app, 'Elsewhere', { env: { account: '333333333333', region: 'eu-west-1' } });
    expect(() => new MlopsEnvironmentAccess(elsewhere, 'A', { pipeline, environmentName: 'prod' }))
      .toThrow(/scope: environment "prod" runs in 222222222222\/eu-west-1, but this stack deploys to 333333333333\/eu-west-1/);
    expect(() => new MlopsEnvironmentAccess(elsewhere, 'B', { pipeline, environmentName: 'dev' }))
      .toThrow(/environmentName: environment "dev" runs in the pipeline's own account and region/);
    expect(() => new MlopsEnvironmentAccess(elsewhere, 'C', { pipeline, environmentName: 'qa' }))
      .toThrow(/environmentName: pipeline churn-mlops has no environment "qa" \(it has "dev", "prod"\)/);
    const agnostic = new Stack(app, 'Agnostic');
    expect(() => new MlopsEnvironmentAccess(agnostic, 'D', { pipeline, environmentName: 'prod' }))
      .toThrow(/scope: the stack must name its account and region/);
  });
});
