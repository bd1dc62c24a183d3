import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { ByomPipeline, MlopsEnvironmentAccess, MlopsErrors } from '../../../src';
import { MODERN_APP_CONTEXT, TEST_ENV, basicProps, newStack, thrownBy } from '../fixtures';

/** The statements of the one policy attached to `role`, tokens resolved. */
function statementsOf(stack: Stack, role: iam.Role): any[] {
  const roleId = stack.getLogicalId(role.node.defaultChild as CfnElement);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  expect(Object.keys(policies)).toHaveLength(1);
  return Object.values(policies)[0].Properties.PolicyDocument.Statement;
}

function caller(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Caller', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
}

describe('an environment in the pipeline\'s account and region', () => {
  test('grantInvoke allows execute-api:Invoke on POST /invocations of its API\'s stage, and nothing on the endpoint', () => {
    const stack = newStack();
    const [dev] = new ByomPipeline(stack, 'Churn', basicProps(stack)).environments;
    const role = caller(stack);
    dev.grantInvoke(role);
    const logicalId = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
    expect(statementsOf(stack, role)).toEqual([{
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': ['', [
          'arn:', { Ref: 'AWS::Partition' }, ':execute-api:us-east-1:111111111111:', { Ref: logicalId(dev.api!.restApi) }, '/',
          { Ref: logicalId(dev.api!.restApi.deploymentStage) }, '/POST/invocations',
        ]],
      },
    }]);
  });

  test('grantInvokeEndpoint allows sagemaker:InvokeEndpoint on its endpoint\'s ARN only, before the endpoint exists', () => {
    const stack = newStack();
    const [dev] = new ByomPipeline(stack, 'Churn', basicProps(stack)).environments;
    const role = caller(stack);
    dev.grantInvokeEndpoint(role);
    expect(statementsOf(stack, role)).toEqual([{
      Action: 'sagemaker:InvokeEndpoint',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111111111111:endpoint/churn-dev']] },
    }]);
  });

  test('grantInvokeEndpoint in an environment-agnostic stack names the endpoint in the deploying account and region', () => {
    const stack = new Stack(new App({ context: MODERN_APP_CONTEXT }), 'Agnostic');
    const [dev] = new ByomPipeline(stack, 'Churn', basicProps(stack)).environments;
    const role = caller(stack);
    dev.grantInvokeEndpoint(role);
    expect(statementsOf(stack, role)[0].Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':endpoint/churn-dev']],
    });
  });

  test('each environment\'s grant names its own endpoint', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'dev' }, { name: 'prod' }] }));
    const role = caller(stack);
    pipeline.environments[1].grantInvokeEndpoint(role);
    const [statement] = statementsOf(stack, role);
    expect(JSON.stringify(statement.Resource)).toContain(':endpoint/churn-prod');
    expect(JSON.stringify(statement.Resource)).not.toContain('churn-dev');
  });
});

describe('grants that cannot be made in the pipeline\'s stack are validation errors that say where to grant', () => {
  test('a batch environment has neither an API nor an endpoint', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const [scoring] = new ByomPipeline(stack, 'Churn', basicProps(stack, {
      environments: [{ name: 'scoring', batch: { input: { bucket, prefix: 'in/' }, output: { bucket, prefix: 'out/' } } }],
    })).environments;
    for (const [name, grant] of [['grantInvoke', () => scoring.grantInvoke(caller(stack))], ['grantInvokeEndpoint', () => scoring.grantInvokeEndpoint(new iam.AccountRootPrincipal())]] as const) {
      const error = thrownBy(grant);
      expect(MlopsErrors.isValidationError(error)).toBe(true);
      expect(MlopsErrors.validationProblems(error)).toEqual([`${name}: environment "scoring" is a batch environment: it has no inference API or endpoint to invoke`]);
    }
  });

  test('an environment in another account is granted on its MlopsEnvironmentAccess, which grants its endpoint there', () => {
    const app = new App({ context: MODERN_APP_CONTEXT });
    const pipelineStack = new Stack(app, 'Pipeline', { env: TEST_ENV });
    const prodStack = new Stack(app, 'Prod', { env: { account: '222222222222', region: 'eu-west-1' } });
    const pipeline = new ByomPipeline(pipelineStack, 'Churn', basicProps(pipelineStack, {
      environments: [{ name: 'dev' }, { name: 'prod', account: '222222222222', region: 'eu-west-1' }],
    }));
    const prod = pipeline.environments[1];
    for (const name of ['grantInvoke', 'grantInvokeEndpoint'] as const) {
      const error = thrownBy(() => prod[name](new iam.AccountRootPrincipal()));
      expect(MlopsErrors.isValidationError(error)).toBe(true);
      expect((error as Error).message).toBe(`${name}: environment "prod" runs in 222222222222/eu-west-1: its endpoint and inference API are there, `
        + `so grant in that account, on its MlopsEnvironmentAccess (access.${name})`);
    }

    const access = new MlopsEnvironmentAccess(prodStack, 'ChurnProd', { pipeline, environmentName: 'prod' });
    const role = caller(prodStack);
    access.grantInvokeEndpoint(role);
    expect(statementsOf(prodStack, role)).toEqual([{
      Action: 'sagemaker:InvokeEndpoint',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:222222222222:endpoint/churn-prod']] },
    }]);
  });
});
