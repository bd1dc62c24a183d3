import { readFileSync } from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsFramework } from '../../../src';
import type { PipelineRequest } from '../../../src/config/pipeline-request';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../../../src/framework/blueprint/blueprint-files';
import { blueprintStackInput } from '../../../src/blueprint/blueprint-input';
import { PROVISION_SETTINGS_VARIABLE, ProvisionSettings } from '../../../src/contract/provision-settings';
import { pipelineStackTags } from '../../../src/contract/stack-tags';
import { requestSha256 } from '../../../src/runtime/provisioning/request-fingerprint';
import { stackNameFor } from '../../../src/runtime/provisioning/stack-names';
import { PROJECT_ROOT } from '../../harness/moto-server';
import { DeployedStack, deployStack } from '../cloudformation/deployed-stack';
import { DeployedRole, findDeployedRole } from '../iam/role-policies';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Where the framework is deployed in these checks: a concrete account and region, as a platform team's would be. */
export const ACCOUNT = '111111111111';
export const REGION = 'us-east-1';
const FRAMEWORK_STACK = 'MlopsPlatform';

/** The framework stack as deployed, with what its provisioning handler is told. */
export interface FrameworkDeployment {
  readonly stack: DeployedStack;
  readonly settings: ProvisionSettings;
  /** The role CloudFormation assumes for the pipeline stacks. */
  readonly stackRole: DeployedRole;
}

let framework: FrameworkDeployment | undefined;

/** An `MlopsFramework` with its defaults, synthesized and deployed offline (once per test file). */
export function deployedFramework(): FrameworkDeployment {
  if (!framework) {
    const stack = new Stack(new App(), FRAMEWORK_STACK, { env: { account: ACCOUNT, region: REGION } });
    new MlopsFramework(stack, 'Mlops', { notificationEmails: ['platform@example.com'] });
    const deployed = deployStack(Template.fromStack(stack).toJSON(), { stackName: FRAMEWORK_STACK, account: ACCOUNT, region: REGION });
    const settings = provisionSettingsOf(deployed);
    const stackRole = findDeployedRole(deployed, settings.cloudFormationRoleArn);
    if (!stackRole) {
      throw new Error(`The framework's settings name ${settings.cloudFormationRoleArn} as the stack role, which is no role of its stack`);
    }
    framework = { stack: deployed, settings, stackRole };
  }
  return framework;
}

/** The settings the provisioning function reads from its environment. */
function provisionSettingsOf(stack: DeployedStack): ProvisionSettings {
  const fn = [...stack.resources.values()].find((r) => r.type === 'AWS::Lambda::Function' && r.properties.Environment?.Variables?.[PROVISION_SETTINGS_VARIABLE]);
  if (!fn) {
    throw new Error('The framework stack has no function with the provisioning settings');
  }
  return JSON.parse(fn.properties.Environment.Variables[PROVISION_SETTINGS_VARIABLE]);
}

/** A pipeline stack as the provisioning handler creates it from a request. */
export interface PipelineStackDeployment {
  readonly shape: string;
  readonly stack: DeployedStack;
  /** The stack tags the provisioner sends, which CloudFormation puts on every resource that takes tags. */
  readonly tags: { readonly [key: string]: string };
}

/**
 * Deploys (offline) the blueprint a request needs, with the parameters and
 * tags the provisioner gives it, in the framework's account and region.
 * `names` gives resources the physical names a test's fixtures use, by logical ID.
 */
export function deployPipelineStack(
  request: PipelineRequest,
  deployment: FrameworkDeployment,
  names: { readonly [logicalId: string]: string } = {},
): PipelineStackDeployment {
  const { account, region } = deployment.stack;
  const input = blueprintStackInput(request, deployment.settings, region);
  const template = JSON.parse(readFileSync(path.join(PROJECT_ROOT, BLUEPRINT_DIRECTORY, blueprintFileName(input.shape)), 'utf-8'));
  const stackName = stackNameFor(deployment.settings.stackPrefix, request.name);
  const stack = deployStack(template, {
    stackName,
    account,
    region,
    parameters: Object.fromEntries(input.parameters.map((p) => [p.ParameterKey, p.ParameterValue])),
    names,
  });
  const tags = pipelineStackTags(deployment.settings.stackPrefix, request.name, requestSha256(request));
  return { shape: input.shape, stack, tags: Object.fromEntries(tags.map((t) => [t.Key, t.Value])) };
}
