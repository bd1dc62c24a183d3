/**
 * The first half of the demo: synthesize examples/ and show what each stack
 * holds and what cfn-lint and cdk-nag (AwsSolutions) say about it.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Stack } from 'aws-cdk-lib';
import { log, table } from './report';
import { buildExampleApp } from '../examples/app';
import { formatCfnLintFindings, runCfnLint } from '../test/harness/cfn-lint';
import { formatNagFindings, nagFindings } from '../test/harness/nag';

/** The stack whose pipeline the demo runs. */
const PIPELINE_STACK = 'ChurnModel';
/** The orchestrator's stack, which the demo sends a provisioning request to. */
const PLATFORM_STACK = 'MlopsPlatform';

/** A synthesized stack: its constructs and its template. */
export interface SynthesizedStack {
  readonly stack: Stack;
  readonly template: any;
}

/** The synthesized pipeline stack, and whether every stack passed both checks. */
export interface CheckedExample {
  /** The stack's constructs, to tell the pipeline's handler functions apart. */
  readonly stack: Stack;
  /** Its CloudFormation template. */
  readonly template: any;
  /** The orchestrator's stack. */
  readonly platform: SynthesizedStack;
  readonly clean: boolean;
}

export function synthesizeAndCheck(): CheckedExample {
  log('Synthesizing examples/ ...');
  const outdir = mkdtempSync(join(tmpdir(), 'mlops-demo-'));
  try {
    const app = buildExampleApp(outdir);
    const assembly = app.synth();
    const rows = [['stack', 'resources', 'template size', 'cfn-lint', 'cdk-nag AwsSolutions']];
    let clean = true;
    for (const artifact of assembly.stacks) {
      const template = artifact.template;
      const lint = runCfnLint(template);
      const nag = nagFindings(app.node.findChild(artifact.stackName) as Stack);
      clean &&= lint.errors.length === 0 && lint.warnings.length === 0 && nag.length === 0;
      rows.push([
        artifact.stackName,
        String(Object.keys(template.Resources ?? {}).length),
        `${(JSON.stringify(template).length / 1024).toFixed(1)} KiB`,
        `${lint.errors.length} errors, ${lint.warnings.length} warnings`,
        nag.length === 0 ? 'clean' : `${nag.length} findings`,
      ]);
      if (lint.errors.length + lint.warnings.length > 0) console.log(formatCfnLintFindings([...lint.errors, ...lint.warnings]));
      if (nag.length > 0) console.log(formatNagFindings(nag));
    }
    table(rows);
    log(clean ? 'Every stack is cfn-lint and cdk-nag clean.' : 'Some stacks have findings (listed above).');
    return {
      stack: app.node.findChild(PIPELINE_STACK) as Stack,
      template: assembly.getStackByName(PIPELINE_STACK).template,
      platform: { stack: app.node.findChild(PLATFORM_STACK) as Stack, template: assembly.getStackByName(PLATFORM_STACK).template },
      clean,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
