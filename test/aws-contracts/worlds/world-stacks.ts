import { App, IStackSynthesizer, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeployedStack, deployStack } from '../cloudformation/deployed-stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The account and region the emulator answers as (moto's default account): the worlds are deployed there. */
export const EMULATOR_ACCOUNT = '123456789012';
export const EMULATOR_REGION = 'us-east-1';

/** Where else a world stack may be: another region, one app with other stacks, the file assets in a bucket of the test's. */
export interface WorldStackOptions {
  readonly region?: string;
  /** The app of a world's other stacks (constructs of one may read another's); a new one by default. */
  readonly app?: App;
  readonly synthesizer?: IStackSynthesizer;
}

/** An app as the worlds' stacks are made in. */
export function worldApp(): App {
  return new App({ context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true } });
}

/** A stack in the emulator's account and region, for a world to build its constructs in. */
export function worldStack(name: string, account = EMULATOR_ACCOUNT, options: WorldStackOptions = {}): Stack {
  return new Stack(options.app ?? worldApp(), name, {
    env: { account, region: options.region ?? EMULATOR_REGION },
    ...(options.synthesizer ? { synthesizer: options.synthesizer } : {}),
  });
}

/**
 * Deploys a synthesized stack offline. `names` gives resources the physical
 * names a test's fixtures use, by the start of their logical IDs (each must
 * match exactly one resource), where CloudFormation would generate others.
 */
export function deployWorldStack(stack: Stack, names: { readonly [logicalIdPrefix: string]: string } = {}): DeployedStack {
  return deployWorldTemplate(Template.fromStack(stack).toJSON(), { stackName: stack.stackName, account: stack.account, region: stack.region }, names);
}

/** Deploys a template synthesized before (as {@link deployWorldStack} does a stack) under the stack name given. */
export function deployWorldTemplate(
  template: any,
  where: { readonly stackName: string; readonly account: string; readonly region: string },
  names: { readonly [logicalIdPrefix: string]: string } = {},
): DeployedStack {
  const resolved: { [logicalId: string]: string } = {};
  for (const [prefix, name] of Object.entries(names)) {
    // A resource's policy (its role's, bucket's or topic's) shares its logical ID's start.
    const matches = Object.keys(template.Resources).filter((id) => id.startsWith(prefix) && !/Policy$/.test(template.Resources[id].Type));
    if (matches.length !== 1) {
      throw new Error(`world ${where.stackName}: "${prefix}" matches ${matches.length} resources (${matches.join(', ')}); it must match one`);
    }
    resolved[matches[0]] = name;
  }
  return deployStack(template, { ...where, names: resolved });
}
