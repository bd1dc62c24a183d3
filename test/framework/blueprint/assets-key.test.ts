import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { MlopsFramework } from '../../../src';
import type { PipelineRequest } from '../../../src/config/pipeline-request';
import { PROVISION_SETTINGS_VARIABLE, ProvisionSettings } from '../../../src/contract/provision-settings';
import { deployStack } from '../../aws-contracts/cloudformation/deployed-stack';
import { ACCOUNT, deployedFramework, deployPipelineStack, REGION } from '../../aws-contracts/deployment/framework-deployment';
import { PolicyWorld } from '../../aws-contracts/handler-calls/policy-world';
import { evaluate } from '../../aws-contracts/iam/policy-evaluator';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The framework's assets bucket encrypts its objects with its own KMS key,
 * so a pipeline it provisions can read the model artifact, container source,
 * baseline dataset and batch input there (and write batch output) only if
 * the roles S3 lets do so may also use that key through S3. Evaluated with
 * iam-simulate on the framework and a pipeline stack deployed offline, as
 * the provisioner creates it.
 */
const framework = deployedFramework();
const frameworkWorld = new PolicyWorld('framework', [framework.stack]);
const assetsBucket = framework.settings.assetsBucket;
const assetsKey = frameworkWorld.bucketKey(assetsBucket)!;

const REQUESTS: PipelineRequest[] = [
  {
    name: 'realtime',
    artifact: 'realtime/model.tar.gz',
    image: { framework: 'xgboost', version: '1.7-1' },
    environments: [{ name: 'dev', monitoring: { baselineDataset: 'realtime/train.csv' }, dataCapture: { samplingPercentage: 100 } }],
  },
  {
    name: 'nightly',
    artifact: 'nightly/model.tar.gz',
    image: { containerSource: 'nightly/container.zip' },
    environments: [{ name: 'dev' }, { name: 'scoring', batch: { input: 'nightly/input/', output: 'nightly/output/' } }],
  },
];

/** What each pipeline keeps in the assets bucket: objects its roles read, and where its transforms write. */
function assetsObjects(request: PipelineRequest): { read: string[]; written: string[] } {
  const read = [request.artifact];
  const written: string[] = [];
  if ('containerSource' in request.image) read.push(request.image.containerSource);
  for (const env of request.environments) {
    if (env.monitoring) read.push(env.monitoring.baselineDataset);
    if (env.batch) {
      read.push(`${env.batch.input}part-1.csv`, `${env.batch.output}r1/part-1.csv.out`);
      written.push(`${env.batch.output}r1/part-1.csv.out`);
    }
  }
  return { read, written };
}

test.each(REQUESTS.map((r) => [r.name, r] as const))('%s: every role that may read or write an object of the assets bucket may use its key through S3', async (_name, request) => {
  const deployment = deployPipelineStack(request, framework);
  const world = new PolicyWorld('framework and pipeline', [framework.stack, deployment.stack]);
  const roles = [...deployment.stack.resources.values()].filter((r) => r.type === 'AWS::IAM::Role').map((r) => world.roleByArn(r.arn!)!);
  const viaS3 = { 'kms:ViaService': 's3.us-east-1.amazonaws.com' };
  const allowed = async (principal: string, policies: any, action: string, resource: string, context = {}) =>
    (await evaluate({ principal, action, resource, context }, { identityPolicies: policies, resourcePolicy: world.resourcePolicy(resource) })).kind === 'allowed';

  const { read, written } = assetsObjects(request);
  const readers: string[] = [];
  const missing: string[] = [];
  for (const role of roles) {
    for (const [keys, s3Action, kmsAction] of [[read, 's3:GetObject', 'kms:Decrypt'], [written, 's3:PutObject', 'kms:GenerateDataKey']] as const) {
      for (const key of keys) {
        if (!await allowed(role.arn, role.policies, s3Action, `arn:aws:s3:::${assetsBucket}/${key}`)) continue;
        if (s3Action === 's3:GetObject') readers.push(`${role.logicalId} ${key}`);
        if (!await allowed(role.arn, role.policies, kmsAction, assetsKey, viaS3)) {
          missing.push(`${role.logicalId} may ${s3Action} ${key} but not ${kmsAction} the assets key`);
        }
      }
    }
  }
  // The pipeline's source action (its role) and the deploy handler (its role) read the artifact.
  expect(readers).toEqual(expect.arrayContaining([
    expect.stringMatching(new RegExp(`^PipelineRole[0-9A-F]+ ${request.artifact}$`)),
    expect.stringMatching(new RegExp(`^PipelineDeployRole[0-9A-F]+ ${request.artifact}$`)),
  ]));
  expect(missing).toEqual([]);
});

/** A framework on an assets bucket passed in, deployed offline: its provisioning settings and stack. */
function frameworkOn(bucket: (stack: Stack) => s3.IBucket) {
  const stack = new Stack(new App(), 'Platform', { env: { account: ACCOUNT, region: REGION } });
  new MlopsFramework(stack, 'Mlops', { assetsBucket: bucket(stack) });
  const deployed = deployStack(Template.fromStack(stack).toJSON(), { stackName: 'Platform', account: ACCOUNT, region: REGION });
  const fn = [...deployed.resources.values()].find((r) => r.type === 'AWS::Lambda::Function' && r.properties.Environment?.Variables?.[PROVISION_SETTINGS_VARIABLE]);
  const settings: ProvisionSettings = JSON.parse(fn!.properties.Environment.Variables[PROVISION_SETTINGS_VARIABLE]);
  return { stack: deployed, settings };
}

test('the framework tells the provisioner the key of its assets bucket', () => {
  expect(framework.settings.assetsKeyArn).toBe(assetsKey);
  const own = frameworkOn((stack) => new s3.Bucket(stack, 'Models', { versioned: true, encryptionKey: new kms.Key(stack, 'ModelsKey') }));
  expect(own.settings.assetsKeyArn).toMatch(/^arn:aws:kms:us-east-1:111111111111:key\//);
});

test('a bucket passed in without its key: no key in the settings, and the pipeline stacks name none', () => {
  const passedIn = frameworkOn((stack) => s3.Bucket.fromBucketName(stack, 'Models', 'team-models'));
  expect(passedIn.settings).not.toHaveProperty('assetsKeyArn');
  const deployment = deployPipelineStack(REQUESTS[1], { ...framework, stack: passedIn.stack, settings: passedIn.settings });
  const statements = [...deployment.stack.resources.values()]
    .flatMap((r) => [r.properties.PolicyDocument?.Statement ?? r.properties.KeyPolicy?.Statement ?? []].flat());
  const onKeys = statements.filter((st: any) => [st.Resource].flat().some((resource: unknown) => resource === '' || String(resource).includes(':kms:')));
  // Only the pipeline's own keys (its artifact and topic keys), never an empty ARN.
  const ownKeys = [...deployment.stack.resources.values()].filter((r) => r.type === 'AWS::KMS::Key').map((r) => r.arn);
  expect(onKeys.flatMap((st: any) => [st.Resource].flat()).filter((resource: string) => !ownKeys.includes(resource) && resource !== '*')).toEqual([]);
});
