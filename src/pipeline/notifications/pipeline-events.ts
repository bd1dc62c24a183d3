import { IResource, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/** The source of CodePipeline's state-change events. */
export const CODEPIPELINE_SOURCE = 'aws.codepipeline';

/*
 * Fields of CodePipeline's state-change events, for notification messages. A
 * path missing from an event (an action that reports no summary) renders as
 * an empty string. Each message line must avoid "<", ">" (EventBridge
 * placeholders, which cannot be escaped) and double quotes (escaped in the
 * rendered template).
 */
export const executionId = () => events.EventField.fromPath('$.detail.execution-id');
export const state = () => events.EventField.fromPath('$.detail.state');
export const stage = () => events.EventField.fromPath('$.detail.stage');
export const action = () => events.EventField.fromPath('$.detail.action');
export const reason = () => events.EventField.fromPath('$.detail.execution-result.external-execution-summary');

/** A page of the pipeline in the CodePipeline console, in the event's region. */
export function consoleUrl(pipelineName: string, page: string): string {
  return `https://console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipelineName}/${page}?region=${events.EventField.region}`;
}

/** The event's execution in the CodePipeline console. */
export function executionUrl(pipelineName: string): string {
  return consoleUrl(pipelineName, `executions/${executionId()}/timeline`);
}

/**
 * What keeps a resource from serving this stack's pipeline-event rules:
 * EventBridge delivers a service's events only to rules in the account and
 * region they happen in, and a rule's SNS target must be in its region.
 */
export function accountAndRegionProblems(scope: Construct, resource: IResource): string[] {
  const here = Stack.of(scope);
  const problems: string[] = [];
  for (const what of ['account', 'region'] as const) {
    const theirs = resource.env[what];
    const ours = here[what];
    if (theirs && !Token.isUnresolved(theirs) && !Token.isUnresolved(ours) && theirs !== ours) {
      problems.push(`must be in this stack's ${what} (${ours}), is in ${theirs}`);
    }
  }
  return problems;
}
