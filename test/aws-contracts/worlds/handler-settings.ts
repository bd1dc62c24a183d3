import { CleanupEnvironment, ENVIRONMENTS_PROPERTY } from '../../../src/contract/cleanup-settings';
import { RELEASE_CLEANUP_RESOURCE_TYPE } from '../../../src/pipeline/cleanup/release-cleanup';
import { DEPLOY_SPEC_VARIABLE, DeploySettings, EnvironmentDeploySpec } from '../../../src/contract/deploy-settings';
import { SHARE_SETTINGS_VARIABLE, ShareSettings } from '../../../src/contract/share-settings';
import type { DeployedResource } from '../cloudformation/deployed-stack';
import type { PolicyWorld } from '../handler-calls/policy-world';

/*
 * What a world's deployed functions are told, read back from its stacks as
 * CloudFormation would have deployed them: for the tests that a world names
 * the same resources as the fixtures its handlers' calls are evaluated for.
 */

function resources(world: PolicyWorld, type: string): DeployedResource[] {
  return world.stacks.flatMap((stack) => [...stack.resources.values()].filter((r) => r.type === type));
}

/** The JSON in the environment variable `variable` of the world's one function that has it. */
function functionSetting<T>(world: PolicyWorld, variable: string): T {
  const values = resources(world, 'AWS::Lambda::Function')
    .map((f) => f.properties.Environment?.Variables?.[variable])
    .filter((v): v is string => typeof v === 'string');
  if (values.length !== 1) {
    throw new Error(`world ${world.name} has ${values.length} functions with ${variable}`);
  }
  return JSON.parse(values[0]) as T;
}

/** The value of the SSM parameter a world's stack deploys under `name`. */
export function parameterValue(world: PolicyWorld, name: string): string {
  const found = resources(world, 'AWS::SSM::Parameter').find((p) => p.ref === name);
  if (!found) {
    throw new Error(`world ${world.name} has no SSM parameter ${name}`);
  }
  return found.properties.Value;
}

/** The deploy function's pipeline-wide settings (its environment variable). */
export function deploySettings(world: PolicyWorld): DeploySettings {
  return functionSetting<DeploySettings>(world, DEPLOY_SPEC_VARIABLE);
}

/** The deploy spec of one environment, from the SSM parameter the deploy function's settings name. */
export function environmentDeploySpec(world: PolicyWorld, environment: string): EnvironmentDeploySpec {
  const parameter = deploySettings(world).environmentParameters[environment];
  if (!parameter) {
    throw new Error(`world ${world.name} has no deploy spec for environment ${environment}`);
  }
  return JSON.parse(parameterValue(world, parameter)) as EnvironmentDeploySpec;
}

/** The share function's settings. */
export function shareSettings(world: PolicyWorld): ShareSettings {
  return functionSetting<ShareSettings>(world, SHARE_SETTINGS_VARIABLE);
}

/** The environments the release clean-up custom resource is told to tear down on the stack's deletion. */
export function cleanupEnvironments(world: PolicyWorld): CleanupEnvironment[] {
  const [cleanup, ...others] = resources(world, RELEASE_CLEANUP_RESOURCE_TYPE);
  if (!cleanup || others.length > 0) {
    throw new Error(`world ${world.name} has ${others.length + (cleanup ? 1 : 0)} release clean-up resources`);
  }
  return cleanup.properties[ENVIRONMENTS_PROPERTY] as CleanupEnvironment[];
}
