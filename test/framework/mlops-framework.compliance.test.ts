import { readFileSync } from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsFramework } from '../../src';
import { buildBlueprintStack } from '../../src/framework/blueprint/blueprint-builder';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../../src/framework/blueprint/blueprint-files';
import { blueprintShapes } from '../../src/blueprint/blueprint-parameters';
import { CfnLintResult, expectCfnLintClean, formatCfnLintFindings, runCfnLintOnEach } from '../harness/cfn-lint';
import { PROJECT_ROOT } from '../harness/moto-server';
import { expectNagClean } from '../harness/nag';

describe('MlopsFramework compliance', () => {
  const stack = new Stack(new App(), 'Platform', { env: { account: '111111111111', region: 'us-east-1' } });
  new MlopsFramework(stack, 'Mlops', {
    notificationEmails: ['platform@example.com'],
    gitSource: { connectionArn: 'arn:aws:codeconnections:us-east-1:111111111111:connection/0f4d3c2b-1a2b-4c3d-9e8f-0a1b2c3d4e5f', owner: 'acme', repository: 'ml-models' },
  });

  test('a framework stack with a Git trigger is cfn-lint clean (no errors, no warnings)', () => {
    expectCfnLintClean(Template.fromStack(stack).toJSON());
  });

  test('and has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expectNagClean(stack);
  });
});

describe('blueprint compliance', () => {
  // One cfn-lint process for all of them: starting it costs seconds each time.
  const shapes = blueprintShapes();
  let results: Map<string, CfnLintResult>;
  beforeAll(() => {
    const templates = shapes.map((shape) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, BLUEPRINT_DIRECTORY, blueprintFileName(shape)), 'utf-8')));
    const linted = runCfnLintOnEach(templates);
    results = new Map(shapes.map((shape, i) => [shape, linted[i]]));
  });

  test.each(shapes)('the shipped %s blueprint is cfn-lint clean', (shape) => {
    const { errors, warnings } = results.get(shape)!;
    expect(formatCfnLintFindings([...errors, ...warnings])).toBe('');
  });

  test.each(['prebuilt-2', 'container-1', 'prebuilt-2-batch', 'container-1-batch'])('the stack the %s blueprint is synthesized from has no unacknowledged cdk-nag AwsSolutions finding', (shape) => {
    expectNagClean(buildBlueprintStack(new App(), shape));
  });
});
