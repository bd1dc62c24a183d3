import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ByomPipeline, IntegrationTests } from '../../../src';
import { SharedPipelineHandlers } from '../../../src/framework/shared-handlers';
import { createHandlerFunction, SharedHandlers, useSharedHandlers } from '../../../src/pipeline/shared/handler-function';
import { basicProps, newStack } from '../fixtures';

/**
 * The other half of binding a shared function's session to one pipeline:
 * the handler (see `handler-identity.ts`) tags each session with the job's
 * pipeline or the resource's stack, and here each pipeline role's trust
 * policy requires exactly its own. Moto ignores trust policies, so these
 * templates are where the condition is checked.
 */
const ACCOUNT = '111111111111';
const functionRole = (name: string) => `arn:aws:iam::${ACCOUNT}:role/mlops-${name}`;
const SHARED: SharedHandlers = {
  deploy: { functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:mlops-deploy`, roleArn: functionRole('deploy') },
  test: { functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:mlops-test`, roleArn: functionRole('test') },
  share: { functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:mlops-share`, roleArn: functionRole('share') },
  cleanup: { serviceToken: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:mlops-cleanup-provider`, roleArn: functionRole('cleanup') },
};

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Every statement of the trust policy of the one role whose description matches. */
function trustOf(template: Template, description: RegExp): any[] {
  const roles = Object.values(template.findResources('AWS::IAM::Role')).filter((role: any) => {
    const text = typeof role.Properties.Description === 'string' ? role.Properties.Description : JSON.stringify(role.Properties.Description);
    return description.test(text);
  });
  expect(roles).toHaveLength(1);
  return (roles[0] as any).Properties.AssumeRolePolicyDocument.Statement;
}

function sharedPipeline(pipelineName?: string): Template {
  const stack = newStack();
  useSharedHandlers(stack, SHARED);
  new ByomPipeline(stack, 'Churn', basicProps(stack, {
    pipelineName,
    environments: [{ name: 'dev', tests: IntegrationTests.requests([{ body: '1,2' }]) }],
  }));
  return Template.fromStack(stack);
}

describe('a shared-mode pipeline\'s roles', () => {
  const template = sharedPipeline('churn-pipeline');

  test.each([
    ['deploy', /^Deploys releases of churn-pipeline$/],
    ['test', /^Runs the integration tests of churn-pipeline$/],
    ['share', /^Shares releases of churn-pipeline/],
  ])('the %s role trusts only the shared function\'s role, in a session tagged with this pipeline\'s name', (handler, description) => {
    expect(trustOf(template, description)).toEqual([{
      Effect: 'Allow',
      Principal: { AWS: functionRole(handler) },
      // sts:TagSession under the same condition: STS requires it for a tagged session.
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: { 'aws:RequestTag/mlops:pipeline': 'churn-pipeline' } },
    }]);
  });

  test('the condition holds the CodePipeline\'s own name, the one GetJobDetails reports', () => {
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', { Name: 'churn-pipeline' });
  });

  test('the clean-up role trusts the shared clean-up function\'s role only in a session tagged with this stack\'s name', () => {
    expect(trustOf(template, /^Deletes the SageMaker resources/)).toEqual([{
      Effect: 'Allow',
      Principal: { AWS: functionRole('cleanup') },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: { StringEquals: { 'aws:RequestTag/mlops:stack': { Ref: 'AWS::StackName' } } },
    }]);
  });

  test('the default pipeline name (<model>-mlops) is the deploy role\'s condition too', () => {
    expect(trustOf(sharedPipeline(), /^Deploys releases of churn-mlops$/)[0].Condition).toEqual({
      StringEquals: { 'aws:RequestTag/mlops:pipeline': 'churn-mlops' },
    });
  });

  test('no role of the pipeline trusts a shared function\'s role without a condition', () => {
    const sharedRoles = Object.values(SHARED).map((ref) => ref.roleArn);
    const trusting = Object.values(template.findResources('AWS::IAM::Role'))
      .flatMap((role: any) => role.Properties.AssumeRolePolicyDocument.Statement)
      .filter((statement: any) => sharedRoles.includes(statement.Principal.AWS));
    // deploy, test, share and clean-up, each with its tag condition.
    expect(trusting).toHaveLength(4);
    expect(trusting.filter((statement: any) => statement.Condition === undefined)).toEqual([]);
  });
});

test('a pipeline with its own handlers: their roles trust Lambda, with no session tag', () => {
  const stack = newStack();
  new ByomPipeline(stack, 'Churn', basicProps(stack));
  const statements = trustOf(Template.fromStack(stack), /^Deploys releases of churn-mlops$/);
  expect(statements).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
});

test('a shared handler without a pipeline name is refused: its role could not say whom it trusts', () => {
  const stack = newStack();
  expect(() => createHandlerFunction(new Construct(stack, 'Deploy'), {
    roleDescription: 'x',
    functionDescription: 'x',
    timeout: Duration.minutes(1),
    logRetention: logs.RetentionDays.ONE_DAY,
    createFunction: () => { throw new Error('not called for a shared handler'); },
    shared: SHARED.deploy,
  })).toThrow('Test/Deploy: a shared handler needs pipelineName, the only pipeline whose jobs may assume its role');
});

describe('the framework\'s shared functions', () => {
  const stack = newStack();
  new SharedPipelineHandlers(stack, 'Shared', { stackPrefix: 'mlops-', logRetention: logs.RetentionDays.ONE_DAY });
  const template = Template.fromStack(stack);
  const pipelineRoles = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:role/mlops-*`]] };

  /** The statements of the default policy of the role with this description. */
  function policyOf(description: RegExp): any[] {
    const roles = template.findResources('AWS::IAM::Role');
    const ids = Object.keys(roles).filter((id) => description.test(String(roles[id].Properties.Description)));
    expect(ids).toHaveLength(1);
    const policies = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy: any) => policy.Properties.Roles.some((r: any) => r.Ref === ids[0]));
    return policies.flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
  }

  test.each(['deploy steps', 'integration tests', 'share steps'])('the %s function may tag its sessions of the pipeline roles and read a job\'s pipeline', (what) => {
    const statements = policyOf(new RegExp(`^Runs the ${what} of every pipeline`));
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: pipelineRoles });
    // Job actions have no resource-level permissions in CodePipeline.
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['codepipeline:GetJobDetails', 'codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
      Resource: '*',
    });
  });

  test('the clean-up function may tag its sessions of the pipeline roles, and needs no CodePipeline access', () => {
    const statements = policyOf(/^Deletes the SageMaker resources/);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: pipelineRoles });
    expect(JSON.stringify(statements)).not.toContain('codepipeline:');
  });

  test('the shared functions\' own roles are assumed by Lambda, not by the pipelines\' roles', () => {
    for (const what of ['deploy steps', 'integration tests', 'share steps']) {
      template.hasResourceProperties('AWS::IAM::Role', {
        Description: Match.stringLikeRegexp(`^Runs the ${what} of every pipeline`),
        AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      });
    }
  });
});
