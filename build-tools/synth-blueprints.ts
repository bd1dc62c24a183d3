/**
 * Synthesizes the blueprint templates the package ships: one per shape, from
 * the ByomPipeline construct itself, into assets/blueprints/<shape>.template.json.
 * Run by `npx projen blueprints` (part of the build and of the test command).
 */
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildBlueprintStack } from '../src/framework/blueprint/blueprint-builder';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../src/framework/blueprint/blueprint-files';
import { blueprintShapes } from '../src/blueprint/blueprint-parameters';
import { blueprintTemplate } from '../src/framework/blueprint/blueprint-template';

const outdir = path.join(__dirname, '..', BLUEPRINT_DIRECTORY);
mkdirSync(outdir, { recursive: true });
const app = new App();
const stacks = blueprintShapes().map((shape) => ({ shape, stack: buildBlueprintStack(app, shape) }));
const assembly = app.synth();
for (const { shape, stack } of stacks) {
  const template = blueprintTemplate(assembly.getStackByName(stack.stackName).template, shape);
  const text = JSON.stringify(template);
  writeFileSync(path.join(outdir, blueprintFileName(shape)), text);
  process.stdout.write(`${shape}: ${Object.keys(template.Resources).length} resources, ${(text.length / 1024).toFixed(1)} KB\n`);
}
