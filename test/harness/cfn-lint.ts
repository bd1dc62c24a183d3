import { spawn, spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { venvBin } from './moto-server';

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
  const run = prepareRun(templates, opts);
  try {
    const result = spawnSync(run.command, run.args, { ...run.options, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
    return run.results(result.status, result.stdout, result.stderr, result.error?.message ?? (result.signal ? `signal ${result.signal}` : undefined));
  } finally {
    run.dispose();
  }
}

/**
 * As {@link runCfnLintOnEach}, in `processes` cfn-lint processes at once, each
 * with a share of the templates: for many large templates on a machine with
 * more than one core (the machines CI and newcomers use have two).
 */
export async function runCfnLintInParallel(templates: readonly object[], processes: number, opts: CfnLintOptions = {}): Promise<CfnLintResult[]> {
  const shares = Array.from({ length: Math.max(1, Math.min(processes, templates.length)) }, (_, share) =>
    templates.map((template, index) => ({ template, index })).filter(({ index }) => index % processes === share));
  const results: CfnLintResult[] = new Array(templates.length);
  await Promise.all(shares.map(async (share) => {
    const run = prepareRun(share.map(({ template }) => template), opts);
    try {
      const lints = await new Promise<CfnLintResult[]>((resolve, reject) => {
        const child = spawn(run.command, run.args, run.options);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => { stdout += chunk; });
        child.stderr.on('data', (chunk) => { stderr += chunk; });
        child.on('error', reject);
        child.on('close', (status, signal) => {
          try {
            resolve(run.results(status, stdout, stderr, signal ? `signal ${signal}` : undefined));
          } catch (e) {
            reject(e);
          }
        });
      });
      share.forEach(({ index }, position) => { results[index] = lints[position]; });
    } finally {
      run.dispose();
    }
  }));
  return results;
}

interface PreparedRun {
  readonly command: string;
  readonly args: string[];
  readonly options: { cwd: string; env: NodeJS.ProcessEnv };
  results(status: number | null, stdout: string, stderr: string, failure?: string): CfnLintResult[];
  dispose(): void;
}

/** The templates written to a directory of their own, and how to run cfn-lint on them. */
function prepareRun(templates: readonly object[], opts: CfnLintOptions): PreparedRun {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfn-lint-'));
  const files = templates.map((template, index) => {
    const file = `template-${index}.json`;
    writeFileSync(path.join(dir, file), JSON.stringify(template, undefined, 2));
    return file;
  });
  return {
    command: venvBin('cfn-lint'),
    // No check is turned off: W3005 (a DependsOn a Ref or GetAtt already
    // implies) included, which the library's templates avoid (src/redundant-dependencies.ts).
    args: ['--format', 'json', '--regions', ...(opts.regions ?? ['us-east-1']), '--', ...files],
    // A .cfnlintrc in the working directory or in $HOME could silently
    // switch checks off; give cfn-lint an empty home and working directory.
    options: { cwd: dir, env: { ...process.env, HOME: dir } },
    results: (status, stdout, stderr, failure) => {
      // The exit status adds up 2 (errors), 4 (warnings) and 8 (informational);
      // an odd status means cfn-lint itself failed.
      let matches: RawMatch[];
      try {
        if (failure || status === null || status % 2 !== 0) throw new Error('cfn-lint failed');
        matches = JSON.parse(stdout);
      } catch {
        throw new Error(`cfn-lint did not produce a report (exit ${status}${failure ? `, ${failure}` : ''}):\n${stderr}${stdout}`);
      }
      return files.map((file) => toResult(matches.filter((m) => path.basename(m.Filename) === file)));
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
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
