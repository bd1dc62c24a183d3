import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { venvBin } from './moto-server';

/**
 * The only check turned off. W3005 flags a DependsOn that a Ref/GetAtt already
 * implies; CDK adds exactly that DependsOn on purpose (e.g. a function depends
 * on its role's default policy, which it does not reference, as well as on the
 * role it does), so every CDK template would trip it.
 */
const IGNORED_CHECKS = ['W3005'];

export interface CfnLintFinding {
  /** e.g. `E3002`. */
  readonly rule: string;
  readonly level: 'Error' | 'Warning' | 'Informational';
  readonly message: string;
  /** Location in the template, e.g. `Resources/Bucket/Properties/BucketName`. */
  readonly path: string;
  readonly line: number;
}

export interface CfnLintResult {
  readonly errors: CfnLintFinding[];
  readonly warnings: CfnLintFinding[];
  /** Informational findings (I-rules); reported but never a failure. */
  readonly informational: CfnLintFinding[];
  /** cfn-lint's JSON findings for this template, untouched. */
  readonly raw: string;
}

export interface CfnLintOptions {
  /**
   * Regions to validate against (resource types, instance types, ...).
   * @default ['us-east-1']
   */
  readonly regions?: string[];
}

interface RawMatch {
  Filename: string;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Start: { LineNumber: number }; Path?: Array<string | number> };
}

/** Runs the pinned cfn-lint from .venv on a template object. */
export function runCfnLint(template: object, opts: CfnLintOptions = {}): CfnLintResult {
  return runCfnLintOnEach([template], opts)[0];
}

/**
 * Runs the pinned cfn-lint once over several templates, one result per
 * template in the same order: starting cfn-lint costs about two seconds,
 * checking a large template about one more.
 */
export function runCfnLintOnEach(templates: readonly object[], opts: CfnLintOptions = {}): CfnLintResult[] {
  const cfnLint = venvBin('cfn-lint');
  const dir = mkdtempSync(path.join(tmpdir(), 'cfn-lint-'));
  try {
    const files = templates.map((template, index) => {
      const file = `template-${index}.json`;
      writeFileSync(path.join(dir, file), JSON.stringify(template, undefined, 2));
      return file;
    });
    const result = spawnSync(
      cfnLint,
      ['--format', 'json', '--regions', ...(opts.regions ?? ['us-east-1']), '--ignore-checks', ...IGNORED_CHECKS, '--', ...files],
      {
        encoding: 'utf-8',
        cwd: dir,
        // A .cfnlintrc in the working directory or in $HOME could silently
        // switch checks off; give cfn-lint an empty home and working directory.
        env: { ...process.env, HOME: dir },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    // The exit status adds up 2 (errors), 4 (warnings) and 8 (informational);
    // an odd status means cfn-lint itself failed.
    let matches: RawMatch[];
    try {
      if (result.error || result.status === null || result.status % 2 !== 0) throw new Error('cfn-lint failed');
      matches = JSON.parse(result.stdout);
    } catch {
      throw new Error(
        `cfn-lint did not produce a report (exit ${result.status ?? result.signal}${result.error ? `, ${result.error.message}` : ''}):\n` +
        `${result.stderr}${result.stdout}`,
      );
    }
    return files.map((file) => toResult(matches.filter((m) => path.basename(m.Filename) === file)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function toResult(matches: RawMatch[]): CfnLintResult {
  const findings = matches.map((m): CfnLintFinding => ({
    rule: m.Rule.Id,
    level: m.Level as CfnLintFinding['level'],
    message: m.Message,
    path: (m.Location.Path ?? []).join('/'),
    line: m.Location.Start.LineNumber,
  }));
  return {
    errors: findings.filter((f) => f.level === 'Error'),
    warnings: findings.filter((f) => f.level === 'Warning'),
    informational: findings.filter((f) => f.level === 'Informational'),
    raw: JSON.stringify(matches),
  };
}

/** One line per finding: `E3002 at Resources/B/Properties/X (line 12): ...`. */
export function formatCfnLintFindings(findings: readonly CfnLintFinding[]): string {
  return findings.map((f) => `${f.rule} at ${f.path || '(template)'} (line ${f.line}): ${f.message}`).join('\n');
}

/** Fails (for jest) when cfn-lint reports any error or warning on the template (or stack). */
export function expectCfnLintClean(template: object | Stack, opts?: CfnLintOptions): void {
  const json = Stack.isStack(template) ? Template.fromStack(template).toJSON() : template;
  const { errors, warnings } = runCfnLint(json, opts);
  const findings = [...errors, ...warnings];
  if (findings.length > 0) {
    throw new Error(`cfn-lint reported ${errors.length} error(s) and ${warnings.length} warning(s):\n${formatCfnLintFindings(findings)}`);
  }
}
