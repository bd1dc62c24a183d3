import { BatchGetBuildsCommand, Build, CodeBuildClient, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { TestVerdict } from './test-verdict';
import { TestBuildSpec, TestJobParameters } from '../contract/test-settings';

/** Between two calls, the build the job started: checked, never started again. */
export interface BuildState {
  readonly phase: 'building';
  readonly buildId: string;
}

/**
 * CodeBuild's refusal to start another build while the account runs as many
 * as it may: it passes once one of them ends.
 */
export const BUILD_TRANSIENT = new Set(['AccountLimitExceededException']);

/** Longest detail of a failed phase kept in the message, so the links that follow survive truncation. */
const MAX_PHASE_DETAIL = 400;

/** Console hosts per partition, for a link to the build. */
const CONSOLE_HOSTS: { readonly [partition: string]: string } = {
  'aws': 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/**
 * Starts the environment's test build with the release's variables. The job
 * ID is the idempotency token: CodePipeline delivering the same job again
 * (its Lambda invocation was retried) gets the build the first delivery
 * started instead of a second one.
 */
export async function startTestBuild(
  jobId: string,
  params: TestJobParameters,
  build: TestBuildSpec,
  region: string,
  codebuild: CodeBuildClient,
): Promise<TestVerdict> {
  const started = await codebuild.send(new StartBuildCommand({
    projectName: build.projectName,
    idempotencyToken: jobId,
    sourceVersion: build.sourceVersion,
    environmentVariablesOverride: Object.entries({
      ENDPOINT_NAME: params.endpointName,
      ENDPOINT_CONFIG_NAME: params.endpointConfigName,
      PREVIOUS_ENDPOINT_CONFIG_NAME: params.previousConfig,
      AWS_REGION: region,
    }).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' as const })),
  }));
  const buildId = started.build?.id;
  if (!buildId) {
    throw new Error(`StartBuild of project ${build.projectName} answered without a build ID`);
  }
  const state: BuildState = { phase: 'building', buildId };
  return { kind: 'running', message: `Started test build ${buildId} against endpoint ${params.endpointName}`, state };
}

/** One look at the build: still running, passed, or failed with where and why. */
export async function checkTestBuild(state: BuildState, codebuild: CodeBuildClient): Promise<TestVerdict> {
  const found = await codebuild.send(new BatchGetBuildsCommand({ ids: [state.buildId] }));
  const build = found.builds?.find((b) => b.id === state.buildId);
  if (!build) {
    return { kind: 'failed', failures: `test build ${state.buildId} could not be found, so its outcome is unknown` };
  }
  switch (build.buildStatus) {
    case 'SUCCEEDED':
      return { kind: 'passed', message: `Test build ${state.buildId} passed` };
    case 'IN_PROGRESS':
    case undefined:
      return { kind: 'running', message: `Test build ${state.buildId} is in phase ${build.currentPhase ?? 'unknown'}`, state };
    default:
      return { kind: 'failed', failures: describeBuildFailure(build) };
  }
}

/**
 * `test build <id> FAILED in phase BUILD (COMMAND_EXECUTION_ERROR: ...);
 * console: <build page>; logs: <CloudWatch Logs>`: what a reader of the
 * pipeline's failure needs to find the failing test.
 */
export function describeBuildFailure(build: Build): string {
  const failedPhase = build.phases?.find((p) => p.phaseStatus !== undefined && p.phaseStatus !== 'SUCCEEDED');
  const phase = failedPhase?.phaseType ?? build.currentPhase ?? 'unknown';
  const detail = (failedPhase?.contexts ?? [])
    .map((c) => [c.statusCode, c.message].filter((part) => part).join(': '))
    .filter((text) => text)
    .join('; ');
  const links = [consoleLink(build), build.logs?.deepLink && `logs: ${build.logs.deepLink}`].filter((link) => link);
  return `test build ${build.id} ${build.buildStatus} in phase ${phase}`
    + (detail ? ` (${truncate(detail, MAX_PHASE_DETAIL)})` : '')
    + (links.length ? `; ${links.join('; ')}` : '');
}

/** The build's page in the CodeBuild console (phases, logs, environment), from its ARN. */
function consoleLink(build: Build): string | undefined {
  const [, partition, , region, account] = (build.arn ?? '').split(':');
  const host = CONSOLE_HOSTS[partition ?? ''];
  if (!host || !region || !account || !build.projectName || !build.id) {
    return undefined;
  }
  return `console: https://${region}.${host}/codesuite/codebuild/${account}/projects/${encodeURIComponent(build.projectName)}`
    + `/build/${encodeURIComponent(build.id)}/?region=${region}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
