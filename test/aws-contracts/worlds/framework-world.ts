import { CfnElement, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { deployWorldStack, EMULATOR_ACCOUNT, worldStack } from './world-stacks';
import { MlopsFramework } from '../../../src';
import { PROVISION_SETTINGS_VARIABLE, ProvisionSettings } from '../../../src/contract/provision-settings';
import type { DeployedStack } from '../cloudformation/deployed-stack';
import type { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';
import type { DeployedRole } from '../iam/role-policies';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The Git source of a framework world: the repository the fixtures' CodePipeline jobs come from. */
export const WORLD_GIT_SOURCE = {
  connectionArn: 'arn:aws:codeconnections:us-east-1:123456789012:connection/8d1e8a3b-6f0c-4f0e-9d1b-2c7e4a5b6c7d',
  owner: 'acme',
  repository: 'models',
  branch: 'main',
};

/** The names a test's fixtures give what an MlopsFramework deploys. */
export interface FrameworkWorldNames {
  /** The account the framework is deployed in (the emulator's by default). */
  readonly account?: string;
  readonly stackPrefix: string;
  readonly assetsBucket: string;
  /** The bucket the stack's file assets (the blueprint templates) are published to, as a bootstrap bucket of the test's own. */
  readonly blueprintBucket: string;
  readonly topicName?: string;
  /** With a Git source ({@link WORLD_GIT_SOURCE}): the name of the trigger pipeline's artifact bucket. */
  readonly gitArtifactsBucket?: string;
}

/** An MlopsFramework deployed offline, with what its functions are told and the roles they run as. */
export interface FrameworkWorld {
  readonly world: PolicyWorld;
  readonly stack: DeployedStack;
  /** The settings in the provisioning function's environment. */
  readonly provisionSettings: ProvisionSettings;
  /** The settings in the config trigger function's environment. */
  readonly triggerSettings: ProvisionSettings;
  /** The provisioning API's function, acting as its role. */
  provision(): ActingRole;
  /** The config trigger's function, acting as its role. */
  configTrigger(): ActingRole;
  /**
   * The Git trigger pipeline's Provision action: the artifact credentials
   * CodePipeline hands the function are a session of this action's role.
   */
  gitProvisionAction(): ActingRole;
  /** A shared handler's function (deploy, test, share or the release clean-up), acting as its own role. */
  sharedHandler(handler: 'deploy' | 'test' | 'share' | 'cleanup'): ActingRole;
}

const worlds = new Map<string, FrameworkWorld>();

/**
 * An MlopsFramework as a platform team deploys it, with its defaults, and
 * the fixtures' names for what they create in the emulator: the stack
 * prefix, the assets bucket, the topic, the bucket its blueprint templates
 * are published to and, with a Git source, the trigger's artifact bucket.
 * Memoized by names: a test file builds it once.
 */
export function frameworkWorld(names: FrameworkWorldNames): FrameworkWorld {
  const key = JSON.stringify(names);
  let found = worlds.get(key);
  if (!found) {
    found = buildFrameworkWorld(names);
    worlds.set(key, found);
  }
  return found;
}

function buildFrameworkWorld(names: FrameworkWorldNames): FrameworkWorld {
  // The blueprints are file assets: published to the bucket the synthesizer names, which the handler's URLs point into.
  const synthesizer = new DefaultStackSynthesizer({ fileAssetsBucketName: names.blueprintBucket });
  const stack = worldStack('MlopsPlatform', names.account ?? EMULATOR_ACCOUNT, { synthesizer });
  const framework = new MlopsFramework(stack, 'Mlops', {
    stackPrefix: names.stackPrefix,
    notificationEmails: ['platform@example.com'],
    ...(names.gitArtifactsBucket ? { gitSource: WORLD_GIT_SOURCE } : {}),
  });
  const physical: { [logicalId: string]: string } = { [logicalIdOf(framework.assetsBucket)]: names.assetsBucket };
  if (names.topicName) {
    physical[logicalIdOf(framework.topic)] = names.topicName;
  }
  if (names.gitArtifactsBucket) {
    physical[logicalIdOf(framework.node.findChild('ConfigTrigger').node.findChild('GitArtifacts'))] = names.gitArtifactsBucket;
  }
  const deployed = deployWorldStack(stack, physical);
  const world = new PolicyWorld('MlopsFramework', [deployed]);
  const functionRole = (fn: IConstruct) => world.roleByArn(resourceOf(deployed, logicalIdOf(fn)).properties.Role)!;
  const provisionSettings = settingsOf(deployed, logicalIdOf(framework.provisionFunction));
  const triggerSettings = settingsOf(deployed, logicalIdOf(framework.configTriggerFunction));
  const acting = (handler: string, role: DeployedRole | undefined): ActingRole => {
    if (!role) {
      throw new Error(`world ${world.name}: the ${handler} function's role is no role of the world`);
    }
    return { handler, world, role };
  };
  return {
    world,
    stack: deployed,
    provisionSettings,
    triggerSettings,
    provision: () => acting('provision', functionRole(framework.provisionFunction)),
    configTrigger: () => acting('config-trigger', functionRole(framework.configTriggerFunction)),
    gitProvisionAction: () => acting('config-trigger (artifact credentials)', world.roleByArn(gitProvisionActionRole(deployed))),
    sharedHandler: (handler) => acting(`shared ${handler}`, world.roleByArn(provisionSettings.sharedHandlers[handler].roleArn)),
  };
}

/** The logical ID of a construct's CloudFormation resource (an L2's default child, or the L1 itself). */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(element).getLogicalId(element);
}

function resourceOf(stack: DeployedStack, logicalId: string) {
  const resource = stack.resources.get(logicalId);
  if (!resource) {
    throw new Error(`${stack.stackName} has no resource ${logicalId}`);
  }
  return resource;
}

/** The provisioning settings a function of the deployed stack reads from its environment. */
function settingsOf(stack: DeployedStack, functionLogicalId: string): ProvisionSettings {
  const value = resourceOf(stack, functionLogicalId).properties.Environment?.Variables?.[PROVISION_SETTINGS_VARIABLE];
  if (value === undefined) {
    throw new Error(`${functionLogicalId} has no ${PROVISION_SETTINGS_VARIABLE}`);
  }
  return JSON.parse(value);
}

/** The role of the Git trigger pipeline's Lambda invoke action. */
function gitProvisionActionRole(stack: DeployedStack): string {
  const pipelines = [...stack.resources.values()].filter((r) => r.type === 'AWS::CodePipeline::Pipeline');
  const actions = pipelines.flatMap((p) => p.properties.Stages.flatMap((s: any) => s.Actions))
    .filter((a: any) => a.ActionTypeId.Provider === 'Lambda');
  if (actions.length !== 1 || !actions[0].RoleArn) {
    throw new Error(`${stack.stackName} has ${actions.length} Lambda invoke actions with a role; the Git trigger pipeline has one`);
  }
  return actions[0].RoleArn;
}
