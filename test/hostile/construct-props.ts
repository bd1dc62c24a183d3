/**
 * Hostile construct props, checked at synth time: `ByomPipeline` and
 * `MlopsFramework` must refuse each with an error naming the prop, and leave
 * nothing of themselves in the stack.
 */
import { CfnParameter, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ByomPipelineProps, EnvironmentProps, MlopsFrameworkProps, ModelArtifact, TrafficShift } from '../../src';
import { ENVIRONMENT_NAME_MAX, PIPELINE_NAME_MAX } from '../../src/config/limits';
import { basicProps, modelBucket } from '../pipeline/fixtures';

/** Props for one of the two constructs, made in the stack the construct goes in, and the prop the error must name. */
export type PropsCase =
  | { readonly name: string; readonly construct: 'ByomPipeline'; readonly props: (stack: Stack) => ByomPipelineProps; readonly path: string }
  | { readonly name: string; readonly construct: 'MlopsFramework'; readonly props: (stack: Stack) => MlopsFrameworkProps; readonly path: string };

type PipelineRow = [name: string, props: (stack: Stack) => Partial<ByomPipelineProps>, path: string];

function dev(changes: Omit<Partial<EnvironmentProps>, 'name'>): () => Partial<ByomPipelineProps> {
  return () => ({ environments: [{ name: 'dev', ...changes }] });
}

const at = (stack: Stack, prefix: string) => ({ bucket: modelBucket(stack, `Data-${prefix.replace(/[^a-z]/g, '')}`), prefix });
const BATCH_OUT = 'scores/';
const CONNECTION = 'arn:aws:codeconnections:us-east-1:111111111111:connection/abc-123';

const PIPELINE_ROWS: PipelineRow[] = [
  ['an empty modelName', () => ({ modelName: '' }), 'modelName'],
  ['a modelName one past 40 characters', () => ({ modelName: 'm'.repeat(PIPELINE_NAME_MAX + 1) }), 'modelName'],
  ['a modelName with a space', () => ({ modelName: 'churn model' }), 'modelName'],
  ['a modelName with a NUL', () => ({ modelName: 'churn\u0000' }), 'modelName'],
  ['a modelName with an emoji', () => ({ modelName: 'churn\u{1f680}' }), 'modelName'],
  ['a modelName from a CloudFormation parameter', (stack) => ({ modelName: new CfnParameter(stack, 'Name').valueAsString }), 'modelName'],
  ['a modelName computed lazily', () => ({ modelName: Lazy.string({ produce: () => 'churn' }) }), 'modelName'],
  ['a pipelineName one past 100 characters', () => ({ pipelineName: 'p'.repeat(101) }), 'pipelineName'],
  ['a pipelineName with a slash', () => ({ pipelineName: 'team/churn' }), 'pipelineName'],
  ['keepReleases of 0', () => ({ keepReleases: 0 }), 'keepReleases'],
  ['keepReleases of NaN', () => ({ keepReleases: NaN }), 'keepReleases'],
  ['keepReleases of Infinity', () => ({ keepReleases: Infinity }), 'keepReleases'],
  ['fractional keepReleases', () => ({ keepReleases: 1.5 }), 'keepReleases'],
  ['an empty artifact key', (stack) => ({ artifact: ModelArtifact.fromBucket(modelBucket(stack, 'Other'), '') }), 'artifact'],
  ['an artifact key with a leading slash', (stack) => ({ artifact: ModelArtifact.fromBucket(modelBucket(stack, 'Other'), '/churn/model.tar.gz') }), 'artifact'],
  ['an artifact in an unversioned bucket', (stack) => ({ artifact: ModelArtifact.fromBucket(new s3.Bucket(stack, 'Plain'), 'model.tar.gz') }), 'artifact'],
  ['two environments of one name', () => ({ environments: [{ name: 'dev' }, { name: 'dev' }] }), 'environments[1].name'],
  ['an empty environment name', () => ({ environments: [{ name: '' }] }), 'environments[0].name'],
  ['an environment name one past 20 characters', () => ({ environments: [{ name: 'e'.repeat(ENVIRONMENT_NAME_MAX + 1) }] }), 'environments[0].name'],
  ['an environment name from a parameter', (stack) => ({ environments: [{ name: new CfnParameter(stack, 'Env').valueAsString }] }), 'environments[0].name'],
  ['an instance type without ml.', dev({ instanceType: 'm5.large' }), 'environments[0].instanceType'],
  ['an instance type with a trailing space', dev({ instanceType: 'ml.m5.large ' }), 'environments[0].instanceType'],
  ['an instance count of 0', dev({ instanceCount: 0 }), 'environments[0].instanceCount'],
  ['an instance count of NaN', dev({ instanceCount: NaN }), 'environments[0].instanceCount'],
  ['a negative instance count', dev({ instanceCount: -2 }), 'environments[0].instanceCount'],
  ['a serverless memory that is no step of 1024', dev({ serverless: { memorySizeMb: 1000, maxConcurrency: 2 } }), 'environments[0].serverless.memorySizeMb'],
  ['a serverless concurrency of 0', dev({ serverless: { memorySizeMb: 2048, maxConcurrency: 0 } }), 'environments[0].serverless.maxConcurrency'],
  ['serverless with an instance type', dev({ serverless: { memorySizeMb: 2048, maxConcurrency: 2 }, instanceType: 'ml.m5.large' }), 'environments[0].instanceType'],
  ['auto scaling below the instance count', dev({ instanceCount: 3, autoScaling: { maxInstances: 2, targetInvocationsPerInstance: 100 } }), 'environments[0].autoScaling.maxInstances'],
  ['a scaling target of NaN', dev({ autoScaling: { maxInstances: 2, targetInvocationsPerInstance: NaN } }), 'environments[0].autoScaling.targetInvocationsPerInstance'],
  ['a capture percentage one past 100', dev({ dataCapture: { samplingPercentage: 101 } }), 'environments[0].dataCapture.samplingPercentage'],
  ['a capture prefix with traversal', dev({ dataCapture: { prefix: 'capture/../../other/' } }), 'environments[0].dataCapture.prefix'],
  ['an account that is no account ID', dev({ account: '11111111111x' }), 'environments[0].account'],
  ['a region that is no region', dev({ region: 'mars-north-1' }), 'environments[0].region'],
  ['a tag key with the reserved aws: prefix', dev({ tags: { 'aws:owner': 'ml' } }), 'environments[0].tags'],
  ['a tag value past 256 characters', dev({ tags: { owner: 'o'.repeat(257) } }), 'environments[0].tags'],
  ['rollback alarms over 0 minutes', dev({ rollbackAlarms: { evaluationMinutes: 0 } }), 'environments[0].rollbackAlarms.evaluationMinutes'],
  ['a negative error budget', dev({ rollbackAlarms: { maxErrorsPerMinute: -1 } }), 'environments[0].rollbackAlarms.maxErrorsPerMinute'],
  ['a canary of 0 percent', dev({ trafficShift: TrafficShift.canary(0, Duration.minutes(5)) }), 'environments[0].trafficShift'],
  ['security groups without a VPC', (stack) => ({ environments: [{ name: 'dev', securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-123')] }] }), 'environments[0].securityGroups'],
  ['a batch output without a trailing slash', (stack) => ({ environments: [{ name: 'dev', batch: { input: at(stack, 'in/'), output: at(stack, 'out') } }] }), 'environments[0].batch.output.prefix'],
  ['a batch payload of 0 MB', (stack) => ({ environments: [{ name: 'dev', batch: { input: at(stack, 'in/'), output: at(stack, BATCH_OUT), maxPayloadMb: 0 } }] }), 'environments[0].batch.maxPayloadMb'],
  ['batch with serverless', (stack) => ({ environments: [{ name: 'dev', serverless: { memorySizeMb: 2048, maxConcurrency: 2 }, batch: { input: at(stack, 'in/'), output: at(stack, BATCH_OUT) } }] }), 'environments[0].serverless'],
  ['monitoring with zero instances', (stack) => ({ environments: [{ name: 'dev', monitoring: { baselineDataset: at(stack, 'train.csv'), instanceCount: 0 } }] }), 'environments[0].monitoring.instanceCount'],
  ['a notification email without a dot in its domain', () => ({ notifications: { emails: ['ml@localhost'] } }), 'notifications.emails[0]'],
  ['a notification email with a newline', () => ({ notifications: { emails: ['ml@example.com\nBcc: x@example.com'] } }), 'notifications.emails[0]'],
  ['a notification email with a NUL', () => ({ notifications: { emails: ['ml\u0000@example.com'] } }), 'notifications.emails[0]'],
  ['a notification email twice in another case', () => ({ notifications: { emails: ['ml@example.com', 'ML@EXAMPLE.COM'] } }), 'notifications.emails[1]'],
];

type FrameworkRow = [name: string, props: MlopsFrameworkProps, path: string];

const FRAMEWORK_ROWS: FrameworkRow[] = [
  ['an empty stackPrefix', { stackPrefix: '' }, 'stackPrefix'],
  ['a stackPrefix with a NUL', { stackPrefix: 'mlops\u0000' }, 'stackPrefix'],
  ['a stackPrefix with a slash', { stackPrefix: 'ml/ops-' }, 'stackPrefix'],
  ['a notification email with a header injection', { notificationEmails: ['a@example.com\r\nBcc: b@example.com'] }, 'notificationEmails[0]'],
  ['a throttling rate of NaN', { throttlingRateLimit: NaN }, 'throttlingRateLimit'],
  ['a negative throttling rate', { throttlingRateLimit: -5 }, 'throttlingRateLimit'],
  ['an infinite throttling burst', { throttlingBurstLimit: Infinity }, 'throttlingBurstLimit'],
  ['a fractional version expiry', { noncurrentVersionExpirationDays: 1.5 }, 'noncurrentVersionExpirationDays'],
  ['a version expiry past ten years', { noncurrentVersionExpirationDays: 3651 }, 'noncurrentVersionExpirationDays'],
  ['a web ACL ARN of another service', { webAclArn: 'arn:aws:s3:::acl' }, 'webAclArn'],
  ['a branch with a newline', { gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: 'ml', branch: 'main\n' } }, 'gitSource.branch'],
  ['an empty branch', { gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: 'ml', branch: '' } }, 'gitSource.branch'],
  ['an absolute configPath', { gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: 'ml', configPath: '/etc/mlops.json' } }, 'gitSource.configPath'],
  ['a configPath with backslashes', { gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: 'ml', configPath: 'ops\\..\\mlops.json' } }, 'gitSource.configPath'],
  ['a configPath that is not JSON', { gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: 'ml', configPath: 'mlops.yaml' } }, 'gitSource.configPath'],
  ['an owner with a space', { gitSource: { connectionArn: CONNECTION, owner: 'ac me', repository: 'ml' } }, 'gitSource.owner'],
  ['a repository named ..', { gitSource: { connectionArn: CONNECTION, owner: 'acme', repository: '..' } }, 'gitSource.repository'],
];

export const PROPS_CASES: readonly PropsCase[] = [
  ...PIPELINE_ROWS.map(([name, props, path]): PropsCase => ({
    name: `ByomPipeline: ${name}`, construct: 'ByomPipeline', props: (stack) => basicProps(stack, props(stack)), path,
  })),
  ...FRAMEWORK_ROWS.map(([name, props, path]): PropsCase => ({ name: `MlopsFramework: ${name}`, construct: 'MlopsFramework', props: () => props, path })),
];
