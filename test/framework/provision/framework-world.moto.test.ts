import { GetObjectCommand } from '@aws-sdk/client-s3';
import { blueprintObjectOf, blueprintTemplate, createMotoWorld, MotoWorld } from './moto-world';
import { blueprintShapes } from '../../../src/blueprint/blueprint-parameters';
import { WORLD_GIT_SOURCE } from '../../aws-contracts/worlds/framework-world';
import { EMULATOR_ACCOUNT, EMULATOR_REGION } from '../../aws-contracts/worlds/world-stacks';
import { gitJobEvent } from '../trigger/trigger-fixtures';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The provisioning and config trigger tests check their handlers' calls
 * against an MlopsFramework deployed with their moto world's names. That is
 * only worth something if it is the deployment they exercise: what its
 * functions are told (the settings in their environment) is what the
 * handlers get, and names the buckets, templates, topic and Git pipeline
 * the fixtures create in the emulator.
 */
let world: MotoWorld;
const artifactBucket = 'world-git-artifacts';

beforeAll(async () => {
  world = await createMotoWorld(undefined, { gitArtifactsBucket: artifactBucket });
});

test('the handlers get the settings the framework gives its functions, naming the fixture\'s prefix, assets bucket and topic', () => {
  const settings = world.framework.provisionSettings;
  expect(world.deps.settings).toBe(settings);
  expect(world.framework.triggerSettings).toEqual(settings);
  expect(settings).toMatchObject({
    stackPrefix: world.stackPrefix,
    assetsBucket: world.assetsBucket,
    topicArn: `arn:aws:sns:${EMULATOR_REGION}:${EMULATOR_ACCOUNT}:${world.topicName}`,
  });
});

test('every blueprint URL names, in the emulator, the template of its shape, in the fixture\'s blueprint bucket', async () => {
  const urls = world.framework.provisionSettings.blueprintUrls;
  expect(Object.keys(urls).sort()).toEqual([...blueprintShapes()].sort());
  for (const [shape, url] of Object.entries(urls)) {
    const { bucket, key } = blueprintObjectOf(url);
    expect({ shape, bucket }).toEqual({ shape, bucket: world.blueprintBucket });
    const object = await world.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect({ shape, template: await object.Body!.transformToString() }).toEqual({ shape, template: blueprintTemplate(shape) });
  }
});

test('the stack role and the shared handlers the settings name are roles and functions of the framework', () => {
  const { framework } = world;
  const settings = framework.provisionSettings;
  expect(framework.world.roleByArn(settings.cloudFormationRoleArn)).toBeDefined();
  const functions = new Set([...framework.stack.resources.values()].filter((r) => r.type === 'AWS::Lambda::Function').map((r) => r.arn));
  for (const handler of ['deploy', 'test', 'share'] as const) {
    expect(functions).toContain(settings.sharedHandlers[handler].functionArn);
    expect(framework.sharedHandler(handler).role.arn).toBe(settings.sharedHandlers[handler].roleArn);
  }
  expect(functions).toContain(settings.sharedHandlers.cleanup.serviceToken);
  expect(framework.sharedHandler('cleanup').role.arn).toBe(settings.sharedHandlers.cleanup.roleArn);
});

test('the Git pipeline keeps its artifacts in the fixture\'s bucket and hands the trigger the jobs gitJobEvent makes', () => {
  const pipelines = [...world.framework.stack.resources.values()].filter((r) => r.type === 'AWS::CodePipeline::Pipeline');
  expect(pipelines).toHaveLength(1);
  const pipeline = pipelines[0].properties;
  expect(pipeline.ArtifactStore.Location).toBe(artifactBucket);
  const provision = pipeline.Stages.flatMap((s: any) => s.Actions).find((a: any) => a.ActionTypeId.Provider === 'Lambda');
  const job = gitJobEvent({ bucket: artifactBucket, key: 'source/push.zip' })['CodePipeline.job'];
  expect(JSON.parse(provision.Configuration.UserParameters)).toEqual(JSON.parse(job.data.actionConfiguration.configuration.UserParameters));
  const source = pipeline.Stages.flatMap((s: any) => s.Actions).find((a: any) => a.ActionTypeId.Provider === 'CodeStarSourceConnection');
  expect(source.Configuration).toMatchObject({
    ConnectionArn: WORLD_GIT_SOURCE.connectionArn,
    FullRepositoryId: `${WORLD_GIT_SOURCE.owner}/${WORLD_GIT_SOURCE.repository}`,
    BranchName: WORLD_GIT_SOURCE.branch,
  });
  // The trigger function the action invokes is the one whose role the trigger's calls are checked against.
  const trigger = [...world.framework.stack.resources.values()].find((r) => r.type === 'AWS::Lambda::Function' && r.properties.Role === world.framework.configTrigger().role.arn);
  expect(provision.Configuration.FunctionName).toBe(trigger?.ref);
  expect(provision.RoleArn).toBe(world.framework.gitProvisionAction().role.arn);
});
