import { CfnResource, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PROPS_CASES } from './construct-props';
import { ByomPipeline, MlopsFramework } from '../../src';
import { PIPELINE_NAME_MAX } from '../../src/config/limits';
import { MlopsValidationError } from '../../src/common/errors';
import { basicProps, newStack } from '../pipeline/fixtures';

/**
 * Every hostile prop is refused in the constructor with an MlopsValidationError
 * naming it, and the stack is left as it was before: no construct under the
 * id, no resource added.
 */
function build(stack: Stack, hostile: (typeof PROPS_CASES)[number]): Construct {
  return hostile.construct === 'ByomPipeline'
    ? new ByomPipeline(stack, 'Hostile', hostile.props(stack))
    : new MlopsFramework(stack, 'Hostile', hostile.props(stack));
}

function resources(stack: Stack): string[] {
  return stack.node.findAll().filter((c) => c instanceof CfnResource).map((c) => c.node.path);
}

test.each(PROPS_CASES.map((c) => [c.name, c] as const))('%s: refused naming the prop, nothing left in the stack', (_name, hostile) => {
  const stack = newStack();
  let error: unknown;
  let before: string[] = [];
  try {
    // The props are made first: the resources they make themselves (buckets, parameters) are the user's.
    const props = hostile.props(stack);
    before = resources(stack);
    build(stack, { ...hostile, props: () => props } as typeof hostile);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MlopsValidationError);
  expect((error as MlopsValidationError).problems.some((p) => p.startsWith(`${hostile.path}: `))).toBe(true);
  expect(stack.node.tryFindChild('Hostile')).toBeUndefined();
  expect(resources(stack)).toEqual(before);
});

test('an id refused once can be used again with valid props', () => {
  const stack = newStack();
  const props = basicProps(stack);
  expect(() => new ByomPipeline(stack, 'Churn', { ...props, keepReleases: 0 })).toThrow(MlopsValidationError);
  expect(new ByomPipeline(stack, 'Churn', props).node.path).toBe('Test/Churn');
});

test('a modelName of exactly 40 characters is accepted', () => {
  const stack = newStack();
  expect(new ByomPipeline(stack, 'Long', basicProps(stack, { modelName: 'm'.repeat(PIPELINE_NAME_MAX) })).modelName).toHaveLength(PIPELINE_NAME_MAX);
});
