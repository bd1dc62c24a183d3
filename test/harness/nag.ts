import { Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * cdk-nag v3 is a CDK policy-validation plugin, not an Aspect:
 * - attach: `Validations.of(app).addPlugins(new AwsSolutionsChecks(app))`; at
 *   synth CDK writes validation-report.json into the cloud assembly and, when
 *   the pack reports an error, synth throws `ValidationFailed` with the whole
 *   report (in jest, NODE_ENV=test makes CDK throw it in memory; a `cdk synth`
 *   run prints it and fails);
 * - acknowledge: `Validations.of(construct).acknowledge({ id, reason })` on the
 *   resource or any scope above it; one call per rule id, and per finding for
 *   rules with several findings (`AwsSolutions-IAM5[Action::s3:*]`).
 * The helpers below ask the pack directly (`validateScope`), which honours the
 * same acknowledgements and returns structured violations instead of a report
 * to parse. That is also the only way that works on aws-cdk-lib 2.257.0, the
 * version the tests run on: its validation context carries no construct tree,
 * so a pack attached with `addPlugins` reports a plugin failure instead of findings.
 */

export interface NagFinding {
  /** e.g. `AwsSolutions-S1` or `AwsSolutions-IAM5[Resource::*]` (the id to acknowledge). */
  readonly ruleId: string;
  readonly severity: 'error' | 'warning';
  /** Construct path of the CfnResource, e.g. `Stack/Bucket/Resource`. */
  readonly path: string;
  readonly description: string;
}

/**
 * Unacknowledged AwsSolutions findings (errors and warnings) for every
 * CfnResource under `scope` (a stack, a stage, or the whole app).
 */
export function nagFindings(scope: IConstruct, props?: NagPackProps): NagFinding[] {
  synthesizeForAspects(scope);
  const report = new AwsSolutionsChecks(undefined, props).validateScope(scope);
  const findings: NagFinding[] = [];
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      findings.push({
        ruleId: violation.ruleName,
        severity: violation.severity === 'error' ? 'error' : 'warning',
        path: resource.constructPath ?? resource.resourceLogicalId ?? '(unknown)',
        description: violation.description,
      });
    }
  }
  return findings.sort((a, b) => a.path.localeCompare(b.path) || a.ruleId.localeCompare(b.ruleId));
}

/** One line per finding: `[error] AwsSolutions-S1 at Stack/Bucket/Resource: ...`. */
export function formatNagFindings(findings: readonly NagFinding[]): string {
  return findings.map((f) => `[${f.severity}] ${f.ruleId} at ${f.path}: ${f.description}`).join('\n');
}

/** Fails (for jest) with every unacknowledged AwsSolutions finding under `scope`. */
export function expectNagClean(scope: IConstruct, props?: NagPackProps): void {
  const findings = nagFindings(scope, props);
  if (findings.length > 0) {
    throw new Error(
      `${findings.length} unacknowledged cdk-nag AwsSolutions finding(s) under ${scope.node.path || '(app)'}:\n` +
      `${formatNagFindings(findings)}\n` +
      'Fix them, or acknowledge each with Validations.of(construct).acknowledge({ id, reason }) and a real reason.',
    );
  }
}

/** The synthesized CloudFormation template of a stack, as JSON. */
export function synthTemplate(stack: Stack): Record<string, any> {
  return Template.fromStack(stack).toJSON();
}

/**
 * Aspects (tags, user fixes applied by aspects) only run at synth, and the
 * plugin sees the tree after them, so findings are computed on a synthesized
 * tree too. If the app itself carries a validation plugin that fails, that
 * failure is what this check is about to report in detail, so it is not rethrown.
 */
function synthesizeForAspects(scope: IConstruct): void {
  const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
  if (!stage) return;
  try {
    stage.synth();
  } catch (e) {
    if (!isValidationReportFailure(e)) throw e;
  }
}

/** CDK throws `ValidationFailed` with the report when a plugin reports an error (NODE_ENV=test). */
function isValidationReportFailure(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ValidationFailed' || /copy of this report can be found/.test(e.message));
}
