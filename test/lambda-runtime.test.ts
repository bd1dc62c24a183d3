import { readFileSync } from 'fs';
import { join } from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ByomPipeline, MlopsFramework } from '../src';
import { newestNodeRuntime } from '../src/common/lambda-runtime';
import { basicProps, newAgnosticStack } from './pipeline/fixtures';

/** What cdk-nag's AwsSolutions-L1 calls the latest: the highest Node.js version among the runtimes aws-cdk-lib defines. */
function newestByNag(): string {
  const versions = lambda.Runtime.ALL
    .map((runtime) => /^nodejs(\d+)\.x$/.exec(runtime.name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]));
  return `nodejs${Math.max(...versions)}.x`;
}

test('is the newest Node.js runtime of the installed aws-cdk-lib, the one cdk-nag\'s AwsSolutions-L1 expects', () => {
  expect(newestNodeRuntime().name).toBe(newestByNag());
  expect(newestNodeRuntime().family).toBe(lambda.RuntimeFamily.NODEJS);
});

test('every Lambda function of a pipeline and of the framework runs on it, the custom resource framework\'s included', () => {
  const stack = newAgnosticStack();
  new ByomPipeline(stack, 'Churn', basicProps(stack, { environments: [{ name: 'dev', tests: undefined }] }));
  new MlopsFramework(stack, 'Mlops', {});
  const functions = Object.values<any>(Template.fromStack(stack).toJSON().Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  const node = functions.filter((fn) => String(fn.Properties.Runtime).startsWith('nodejs'));
  // The only other one is CDK's bucket-notifications handler (Python).
  expect(functions.length - node.length).toBe(1);
  expect(node.length).toBeGreaterThan(10);
  expect([...new Set(node.map((fn) => fn.Properties.Runtime))]).toEqual([newestByNag()]);
});

test('the handlers are bundled for a Node.js no newer than the oldest runtime a supported aws-cdk-lib can give them (nodejs22.x)', () => {
  const tasks = JSON.parse(readFileSync(join(__dirname, '..', '.projen', 'tasks.json'), 'utf-8')).tasks;
  const targets = Object.keys(tasks).filter((name) => /^bundle:.*\.lambda$/.test(name))
    .map((name) => tasks[name].steps[0].execArgs.find((arg: string) => arg.startsWith('--target=')));
  expect(targets.length).toBeGreaterThanOrEqual(7);
  expect([...new Set(targets)]).toEqual(['--target=node22']);
});
