import { PublishCommand } from '@aws-sdk/client-sns';
import type { ConfigResult } from './apply-config';
import { ConfigLocation, describeLocation } from './config-location';
import { ConfigReport, configReport } from './config-report';
import type { ConfigTriggerDeps } from './trigger-deps';

/**
 * The report of a file, logged with the file's outcome first, so the outcome
 * is in the log whether or not the report can be published.
 * @param context what else identifies the event in the log (request ID, job ID)
 */
export function loggedReport(deps: ConfigTriggerDeps, location: ConfigLocation, result: ConfigResult, context: Record<string, string>): ConfigReport {
  const report = configReport(location, result);
  deps.logger.info('Config file', {
    source: describeLocation(location),
    ...context,
    result: result.kind,
    summary: report.summary,
    problems: result.kind === 'rejected' ? result.problems : undefined,
  });
  return report;
}

/** Sends the report to the framework's topic (its email subscriptions). */
export async function publishReport(deps: ConfigTriggerDeps, report: ConfigReport): Promise<void> {
  await deps.sns.send(new PublishCommand({
    TopicArn: deps.settings.topicArn,
    Subject: report.subject,
    Message: report.message,
  }));
}
