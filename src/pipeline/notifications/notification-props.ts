import * as sns from 'aws-cdk-lib/aws-sns';

/**
 * Who hears about a pipeline's releases, and about what: a release that
 * succeeded, failed or was superseded, an action that failed (with its stage
 * and reason), and a release waiting for manual approval.
 */
export interface NotificationProps {
  /**
   * Email addresses subscribed to the topic. Each address receives a
   * confirmation email from SNS and gets nothing until it confirms.
   * @default - none: subscribe to `topic` yourself
   */
  readonly emails?: string[];

  /**
   * An existing standard (not FIFO) SNS topic to publish to, in the pipeline's
   * account and region. Its policy must let `events.amazonaws.com` publish (and
   * its KMS key, if any, let that principal use `kms:Decrypt` and
   * `kms:GenerateDataKey*`); that is added for you when the topic is defined in
   * the same CDK app, but not for an imported topic.
   * @default - a new topic, encrypted with a new customer managed KMS key with
   * rotation and accepting only TLS publishers
   */
  readonly topic?: sns.ITopic;

  /**
   * Whether a release that went through every environment is announced too.
   * Failures and superseded releases are always announced.
   * @default true
   */
  readonly notifyOnSuccess?: boolean;

  /**
   * Whether a release waiting for manual approval before an environment is announced.
   * @default true
   */
  readonly notifyOnApprovalWaiting?: boolean;
}
