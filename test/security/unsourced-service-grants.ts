/**
 * Resource-policy grants that let an AWS service write without naming the
 * source it acts for (aws:SourceArn or aws:SourceAccount), keyed
 * `<service principal> <action>`, each with the reason. Any other such grant
 * would let the service act for another account's resource (a confused deputy);
 * an entry no template uses any more fails the review too.
 */
export const UNSOURCED_SERVICE_GRANTS: Readonly<Record<string, string>> = {
  'events.amazonaws.com sns:Publish': 'The pipeline notification topics\' statement for their EventBridge rules, as CDK\'s SnsTopic target writes it; '
    + 'the product records (src/pipeline/notifications/pipeline-notifications.ts) that EventBridge publishes under the topic policy without condition support there. '
    + 'Only rules that target this topic\'s ARN can use it, and the topic carries nothing but notifications',
};
