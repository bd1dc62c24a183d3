import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp } from '../../examples/app';
import { MlopsFramework } from '../../src';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../../src/framework/blueprint/blueprint-files';
import { blueprintShapes } from '../../src/blueprint/blueprint-parameters';
import { PROJECT_ROOT } from '../harness/moto-server';

/** A synthesized CloudFormation template of the product, named for the reports. */
export interface ProductTemplate {
  /** e.g. `blueprint prebuilt-1`, `integ MlopsBatch`, `example ChurnModel`. */
  readonly name: string;
  readonly template: any;
}

const INTEG_DIRECTORY = path.join(PROJECT_ROOT, 'integ');

/** The 16 shipped blueprint templates, as built into assets/blueprints (missing ones throw). */
export function blueprintTemplates(): ProductTemplate[] {
  return blueprintShapes().map((shape) => ({
    name: `blueprint ${shape}`,
    template: readJson(path.join(PROJECT_ROOT, BLUEPRINT_DIRECTORY, blueprintFileName(shape))),
  }));
}

/** The integ test files (integ/integ.<feature>.ts), each with a committed snapshot. */
export function integTestNames(): string[] {
  return readdirSync(INTEG_DIRECTORY).filter((file) => /^integ\..+\.ts$/.test(file)).map((file) => file.replace(/^integ\.|\.ts$/g, ''));
}

/**
 * The stacks an integ test deploys as its test cases, from its snapshot.
 * The assertion stacks (`*DefaultTestDeployAssert*`) are left out on purpose:
 * they hold integ-tests-alpha's SDK-call provider, whose role may call the
 * APIs the assertions name on any resource; that is test scaffolding, deployed
 * only by the integ run and never with the product.
 */
export function integTestStackNames(test: string): string[] {
  const manifest = readJson(path.join(INTEG_DIRECTORY, `integ.${test}.ts.snapshot`, 'integ.json'));
  return Object.values(manifest.testCases as Record<string, { stacks: string[] }>).flatMap((testCase) => testCase.stacks);
}

/** The committed snapshot template of one integ test stack; integ-runner checks it against the code on every test run. */
export function integSnapshotTemplate(test: string, stackName: string): ProductTemplate {
  return {
    name: `integ ${stackName}`,
    template: readJson(path.join(INTEG_DIRECTORY, `integ.${test}.ts.snapshot`, `${stackName}.template.json`)),
  };
}

/** Every integ test-case stack's snapshot template (the framework stack among them: integ.orchestrator). */
export function integTemplates(): ProductTemplate[] {
  return integTestNames().flatMap((test) => integTestStackNames(test).map((stackName) => integSnapshotTemplate(test, stackName)));
}

/** The example app (examples/app.ts) and its synthesized stack templates, synthesized once. */
export function synthesizeExampleApp(): { readonly app: App; readonly templates: ProductTemplate[] } {
  const outdir = mkdtempSync(path.join(tmpdir(), 'security-example-'));
  try {
    const app = buildExampleApp(outdir);
    const templates = app.synth().stacks.map((artifact) => ({ name: `example ${artifact.stackName}`, template: artifact.template }));
    return { app, templates };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The framework with a Git trigger (its own CodePipeline, artifact bucket and
 * connection grant), a variant neither the example app nor the integ tests build.
 */
export function gitTriggerFrameworkTemplate(): ProductTemplate {
  const stack = new Stack(new App(), 'GitPlatform', { env: { account: '111111111111', region: 'us-east-1' } });
  new MlopsFramework(stack, 'Mlops', {
    gitSource: { connectionArn: 'arn:aws:codeconnections:us-east-1:111111111111:connection/00000000-0000-4000-8000-000000000000', owner: 'team', repository: 'models' },
  });
  return { name: 'framework with a Git trigger', template: Template.fromStack(stack).toJSON() };
}

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf-8'));
}
