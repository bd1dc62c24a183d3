import { readFileSync } from 'fs';
import * as path from 'path';
import { deployedFramework, deployPipelineStack } from './framework-deployment';
import { fullestRequest } from './shape-requests';
import { checkStackPermissions, PermissionCheck } from './stack-permissions';
import { blueprintPermissionChecks, STACK_ROLE_ACTIONS_FILE, stackRoleActionsText } from './stack-role-actions-text';
import { blueprintShapes } from '../../../src/blueprint/blueprint-parameters';
import { FRAMEWORK_TAG, pipelineStackTags } from '../../../src/contract/stack-tags';
import { PROJECT_ROOT } from '../../harness/moto-server';
import { cfnLintVersion } from '../cloudformation/registry-schemas';

/**
 * DESIGN.md §9, the permissions a deployment needs: every pipeline stack the
 * framework provisions (each blueprint, with every optional resource present)
 * is created, read, updated and deleted by CloudFormation under the
 * framework's stack role. Every permission the CloudFormation registry
 * schemas (as the pinned cfn-lint ships them) list for those handlers of
 * every resource type in the stack must be allowed to that role, as a real
 * IAM evaluator decides it: on the resolved ARNs CloudFormation would use, in
 * the framework's account and region, with the tags the provisioner sends.
 */
const shapes = blueprintShapes();
const results = new Map<string, PermissionCheck[]>();

beforeAll(async () => {
  for (const [shape, checks] of await blueprintPermissionChecks()) {
    results.set(shape, checks);
  }
  printTable();
});

function printTable(): void {
  const count = (checks: PermissionCheck[], outcome: PermissionCheck['outcome']) => checks.filter((c) => c.outcome === outcome).length;
  const rows = shapes.map((shape) => {
    const checks = results.get(shape)!;
    return `${shape.padEnd(20)} ${String(new Set(checks.map((c) => c.logicalId)).size).padStart(9)} ${String(count(checks, 'allowed') + count(checks, 'denied')).padStart(8)} ${String(count(checks, 'denied')).padStart(6)} ${String(count(checks, 'not-applicable')).padStart(8)} ${String(count(checks, 'not-an-action')).padStart(10)}`;
  });
  // eslint-disable-next-line no-console
  console.log([
    `Blueprint stacks under the framework's stack role: CloudFormation handler permissions (registry schemas of cfn-lint ${cfnLintVersion()}) evaluated with iam-simulate`,
    `${'blueprint'.padEnd(20)} ${'resources'.padStart(9)} ${'checked'.padStart(8)} ${'denied'.padStart(6)} ${'n/a'.padStart(8)} ${'not IAM'.padStart(10)}`,
    ...rows,
  ].join('\n'));
}

function describeDenied(checks: PermissionCheck[]): string {
  return checks.map((c) => `${c.logicalId} (${c.type}) ${c.handler}: ${c.reason}`).join('\n');
}

test.each(shapes)('blueprint %s: the stack role is allowed every permission its resources\' CloudFormation handlers use', (shape) => {
  const denied = results.get(shape)!.filter((c) => c.outcome === 'denied');
  if (denied.length > 0) {
    throw new Error(`${denied.length} permission(s) denied to the stack role in blueprint ${shape}:\n${describeDenied(denied)}`);
  }
});

test('every blueprint is checked in earnest: hundreds of evaluated permissions each, on every resource type it holds', () => {
  for (const shape of shapes) {
    const checks = results.get(shape)!;
    const evaluated = checks.filter((c) => c.outcome === 'allowed' || c.outcome === 'denied');
    expect(evaluated.length).toBeGreaterThan(300);
    const typesEvaluated = new Set(evaluated.map((c) => c.type));
    const typesPresent = new Set(checks.map((c) => c.type));
    expect([...typesPresent].filter((t) => !typesEvaluated.has(t))).toEqual([]);
  }
});

/**
 * What the schemas list but no blueprint resource can use, each reviewed:
 * permissions for properties the blueprints never set (a connection, a
 * replication role, S3 Tables, a log group's Firehose delivery), for IAM
 * users and groups (the blueprints attach policies to roles only), and one
 * entry that is no IAM action at all (`s3:REST.PUT.OBJECT`). A new entry here
 * means a blueprint resource uses something new: review it, then add it.
 */
const NOT_APPLICABLE = [
  'AWS::ApiGateway::RestApi iam:PassRole', 'AWS::ApiGateway::RestApi s3:GetObject',
  'AWS::CodePipeline::Pipeline codepipeline:DisableStageTransition', 'AWS::CodePipeline::Pipeline codepipeline:EnableStageTransition',
  'AWS::CodePipeline::Pipeline codestar-connections:PassConnection',
  'AWS::Events::Rule iam:PassRole',
  'AWS::IAM::ManagedPolicy iam:AttachGroupPolicy', 'AWS::IAM::ManagedPolicy iam:AttachUserPolicy',
  'AWS::IAM::ManagedPolicy iam:DetachGroupPolicy', 'AWS::IAM::ManagedPolicy iam:DetachUserPolicy',
  'AWS::IAM::Policy iam:DeleteGroupPolicy', 'AWS::IAM::Policy iam:DeleteUserPolicy', 'AWS::IAM::Policy iam:GetGroupPolicy',
  'AWS::IAM::Policy iam:GetUserPolicy', 'AWS::IAM::Policy iam:PutGroupPolicy', 'AWS::IAM::Policy iam:PutUserPolicy',
  'AWS::IAM::Role iam:AttachRolePolicy', 'AWS::IAM::Role iam:DetachRolePolicy',
  'AWS::Logs::LogGroup firehose:TagDeliveryStream', 'AWS::Logs::LogGroup s3:REST.PUT.OBJECT',
  'AWS::S3::Bucket iam:PassRole',
  'AWS::S3::Bucket s3:DeleteBucketAnalyticsConfiguration', 'AWS::S3::Bucket s3:DeleteBucketCors', 'AWS::S3::Bucket s3:DeleteBucketEncryption',
  'AWS::S3::Bucket s3:DeleteBucketLifecycle', 'AWS::S3::Bucket s3:DeleteBucketMetricsConfiguration', 'AWS::S3::Bucket s3:DeleteBucketReplication',
  'AWS::S3::Bucket s3:DeleteObject', 'AWS::S3::Bucket s3:PutBucketReplication', 'AWS::S3::Bucket s3:PutObjectAcl',
  'AWS::S3::Bucket s3:PutObjectLockConfiguration',
  'AWS::S3::Bucket s3tables:CreateNamespace', 'AWS::S3::Bucket s3tables:CreateTable', 'AWS::S3::Bucket s3tables:CreateTableBucket',
  'AWS::S3::Bucket s3tables:GetTable', 'AWS::S3::Bucket s3tables:GetTableMetadataLocation', 'AWS::S3::Bucket s3tables:PutTableBucketPolicy',
  'AWS::S3::Bucket s3tables:PutTableEncryption', 'AWS::S3::Bucket s3tables:PutTablePolicy', 'AWS::S3::Bucket s3tables:UpdateTableMetadataLocation',
  'AWS::SNS::Subscription iam:GetRole', 'AWS::SNS::Subscription iam:PassRole',
  'AWS::SNS::Topic iam:GetRole', 'AWS::SNS::Topic iam:PassRole',
];

test('what is not evaluated is only what no blueprint resource can use, each entry reviewed', () => {
  const skipped = new Set<string>();
  for (const checks of results.values()) {
    for (const c of checks.filter((check) => check.outcome === 'not-applicable' || check.outcome === 'not-an-action')) {
      skipped.add(`${c.type} ${c.action}`);
    }
  }
  expect([...skipped].sort()).toEqual([...NOT_APPLICABLE].sort());
});

test('the pipeline stacks\' managed policies (CDK\'s overflow policies) can be created, attached, detached and deleted', () => {
  const managed = results.get('prebuilt-3')!.filter((c) => c.type === 'AWS::IAM::ManagedPolicy');
  for (const action of ['iam:CreatePolicy', 'iam:AttachRolePolicy', 'iam:GetPolicy', 'iam:ListPolicyVersions', 'iam:DetachRolePolicy', 'iam:DeletePolicy', 'iam:ListEntitiesForPolicy']) {
    expect(managed.filter((c) => c.action === action).map((c) => c.outcome)).toContain('allowed');
  }
});

test('deleting a pipeline stack is allowed what the handlers list for deletion', () => {
  const checks = results.get('container-2')!;
  for (const [type, action] of [
    ['AWS::IAM::Role', 'iam:ListAttachedRolePolicies'], ['AWS::IAM::Role', 'iam:ListRolePolicies'], ['AWS::Events::Rule', 'events:ListTargetsByRule'],
    ['AWS::Logs::LogGroup', 'logs:DescribeLogGroups'], ['AWS::S3::Bucket', 's3:ListBucket'], ['AWS::CloudWatch::Alarm', 'cloudwatch:ListTagsForResource'],
    ['AWS::CodePipeline::Pipeline', 'codepipeline:GetPipelineState'], ['AWS::ECR::Repository', 'kms:RetireGrant'],
  ]) {
    const found = checks.filter((c) => c.type === type && c.action === action);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((c) => c.outcome === 'allowed')).toBe(true);
  }
});

test('the pipeline stacks\' KMS keys can be created only with the framework\'s tag, which the provisioner sends', async () => {
  const framework = deployedFramework();
  const deployment = deployPipelineStack(fullestRequest('prebuilt-1'), framework);
  const untagged = { ...deployment, tags: Object.fromEntries(Object.entries(deployment.tags).filter(([key]) => key !== FRAMEWORK_TAG)) };
  const outcome = async (d: typeof deployment) => (await checkStackPermissions(d, framework.stackRole))
    .filter((c) => c.action === 'kms:CreateKey').map((c) => c.outcome);
  expect(deployment.tags[FRAMEWORK_TAG]).toBe(framework.settings.stackPrefix);
  expect(await outcome(deployment)).toEqual(['allowed', 'allowed']);
  expect(await outcome(untagged)).toEqual(['denied', 'denied']);
});

test(`${STACK_ROLE_ACTIONS_FILE} holds exactly what the blueprints\' handlers use`, () => {
  const committed = readFileSync(path.join(PROJECT_ROOT, STACK_ROLE_ACTIONS_FILE), 'utf-8');
  if (committed !== stackRoleActionsText(results.values())) {
    throw new Error(`${STACK_ROLE_ACTIONS_FILE} is out of date: run "npx projen stack-role-actions" and commit the result`);
  }
});

test('every tag the stack role\'s conditions test is one the provisioner puts on the pipeline stacks', () => {
  const framework = deployedFramework();
  const tested = new Set<string>();
  for (const { policy } of framework.stackRole.policies) {
    for (const statement of policy.Statement) {
      for (const operator of Object.values<Record<string, unknown>>(statement.Condition ?? {})) {
        for (const key of Object.keys(operator)) {
          const tag = /^aws:(Request|Resource)Tag\/(.+)$/.exec(key)?.[2];
          if (tag) tested.add(tag);
        }
      }
    }
  }
  const sent = pipelineStackTags(framework.settings.stackPrefix, 'churn', 'hash').map((t) => t.Key);
  expect(tested.size).toBeGreaterThan(0);
  expect([...tested].filter((tag) => !sent.includes(tag))).toEqual([]);
});
