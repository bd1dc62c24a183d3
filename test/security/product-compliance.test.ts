/**
 * cdk-nag AwsSolutions and cfn-lint on the stacks no other compliance test
 * covers: the example app's three stacks and every integ test stack. (The
 * blueprints are linted, and their source stacks nagged, in
 * test/framework/mlops-framework.compliance.test.ts; pipelines and the
 * framework in their own compliance tests.) cdk-nag needs the constructs, so
 * the integ apps are built from integ/*.ts; cfn-lint reads their committed
 * snapshots, which integ-runner checks against the code on every test run.
 */
import { App, Stack } from 'aws-cdk-lib';
import { loadIntegApp } from './integ-apps';
import { integSnapshotTemplate, integTestNames, integTestStackNames, ProductTemplate, synthesizeExampleApp } from './product-templates';
import { CfnLintResult, formatCfnLintFindings, runCfnLintOnEach } from '../harness/cfn-lint';
import { expectNagClean } from '../harness/nag';

// Every App made in this file, the integ apps' among them (they are not
// exported). Read only once Apps exist, long after this module has loaded.
const createdApps: App[] = [];
jest.mock('aws-cdk-lib', () => {
  const actual = jest.requireActual('aws-cdk-lib');
  class RecordingApp extends actual.App {
    constructor(props?: unknown) {
      super(props);
      createdApps.push(this as unknown as App);
    }
  }
  return new Proxy(actual, { get: (target, property) => (property === 'App' ? RecordingApp : target[property]) });
});

const example = synthesizeExampleApp();
const integTests = integTestNames();
const integ = integTests.flatMap((test) => integTestStackNames(test).map((stackName) => ({ test, stackName })));
const linted: ProductTemplate[] = [...example.templates, ...integ.map(({ test, stackName }) => integSnapshotTemplate(test, stackName))];

describe('cfn-lint', () => {
  let results: Map<string, CfnLintResult>;
  beforeAll(() => {
    // One cfn-lint run for all of them: its start-up is most of the cost of a small template.
    const lints = runCfnLintOnEach(linted.map(({ template }) => template));
    results = new Map(linted.map(({ name }, index) => [name, lints[index]]));
  });

  test('checks the example app\'s three stacks and a test stack of every integ test', () => {
    expect(example.templates).toHaveLength(3);
    expect(new Set(integ.map(({ test }) => test))).toEqual(new Set(integTests));
    expect(integTests.length).toBeGreaterThanOrEqual(7);
  });

  test.each(linted.map(({ name }) => name))('%s has no cfn-lint error or warning', (name) => {
    const { errors, warnings } = results.get(name)!;
    expect(formatCfnLintFindings([...errors, ...warnings])).toBe('');
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each(example.templates.map(({ name }) => name.replace(/^example /, '')))('the example app\'s %s stack has no unacknowledged finding', (stackName) => {
    expectNagClean(example.app.node.findChild(stackName));
  });

  describe.each(integTests)('integ.%s', (integTest) => {
    const app = loadIntegApp(integTest, createdApps);
    const assembly = app.synth();

    test.each(integTestStackNames(integTest))('%s is the stack in the snapshot, and has no unacknowledged finding', (stackName) => {
      const stack = app.node.findChild(stackName);
      // A second copy of aws-cdk-lib would build constructs cdk-nag does not recognize, and it would find nothing.
      expect(stack).toBeInstanceOf(Stack);
      // Built with integ-runner's flags, the stack has the snapshot's resources (asset hashes aside).
      expect(resourceTypes(assembly.getStackByName(stackName).template)).toEqual(resourceTypes(integSnapshotTemplate(integTest, stackName).template));
      expectNagClean(stack);
    });
  });
});

function resourceTypes(template: any): Record<string, string> {
  return Object.fromEntries(Object.entries<any>(template.Resources).map(([id, resource]) => [id, resource.Type]));
}
