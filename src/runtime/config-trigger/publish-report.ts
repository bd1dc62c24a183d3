import { PublishCommand } from '@aws-sdk/client-sns';
import type { ConfigReport } from './config-report';
import type { ConfigTriggerDeps } from './trigger-deps';

/** Sends the report to the framework's topic (its email subscriptions). */
export async function publishReport(deps: ConfigTriggerDeps, report: ConfigReport): Promise<void> {
  await deps.sns.send(new PublishCommand({
    TopicArn: deps.settings.topicArn,
    Subject: report.subject,
    Message: report.message,
  }));
}
