import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { GitSourceProps } from './git-source';

/** Props of an {@link MlopsFramework}. */
export interface MlopsFrameworkProps {
  /**
   * Emails subscribed to the framework's new topic: rejected config files and
   * failed provisioning requests are told there. Ignored with `topic`.
   * @default - none (subscribe to `topic` yourself)
   */
  readonly notificationEmails?: string[];

  /**
   * An existing topic to notify instead of a new one.
   * @default - a new KMS-encrypted, TLS-only topic
   */
  readonly topic?: sns.ITopic;

  /**
   * An existing bucket for model artifacts, container sources and `config/`
   * files. It must have versioning enabled (pipelines start on new object versions).
   * @default - a new versioned, KMS-encrypted, TLS-only bucket with access logs
   * and a lifecycle rule for old versions
   */
  readonly assetsBucket?: s3.IBucket;

  /**
   * Days an old version of an object in the new assets bucket is kept.
   * @default 90
   */
  readonly noncurrentVersionExpirationDays?: number;

  /**
   * Provision pipelines from `mlops-config.json` in a Git repository as well.
   * @default - no Git trigger; requests and `config/` uploads only
   */
  readonly gitSource?: GitSourceProps;

  /**
   * Prefix of every pipeline stack the framework provisions (`<prefix><name>`);
   * the provisioning role can create, change and delete those stacks only.
   * Letters, digits and hyphens, starting with a letter, at most 30 characters.
   * @default 'mlops-'
   */
  readonly stackPrefix?: string;

  /**
   * Requests per second the provisioning API accepts in the steady state.
   * @default 10
   */
  readonly throttlingRateLimit?: number;

  /**
   * Requests the provisioning API accepts in a burst.
   * @default 20
   */
  readonly throttlingBurstLimit?: number;

  /**
   * A regional AWS WAF web ACL to associate with the provisioning API's stage.
   * @default - no web ACL (every request is IAM-authenticated and throttled)
   */
  readonly webAclArn?: string;

  /**
   * How long the framework's Lambda and API access logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the new assets bucket and its access-log bucket when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly bucketRemovalPolicy?: RemovalPolicy;

  /**
   * Create API Gateway's account-level CloudWatch Logs role in this stack's
   * account and region: a role API Gateway assumes, with AWS's managed policy
   * AmazonAPIGatewayPushToCloudWatchLogs, set on the account
   * (AWS::ApiGateway::Account). The provisioning API and the inference APIs
   * of the pipelines it provisions write access and error logs, which API
   * Gateway cannot set up in an account and region that has never had that
   * role: there the first deploy fails. The setting is one per account
   * and region, so set this on one construct in one stack. If two stacks
   * create it, each deploy points the account at that stack's role and the
   * one deployed last wins; the role and the setting are kept
   * (RemovalPolicy.RETAIN) when a stack is deleted, so the other stacks' APIs
   * keep logging.
   * @default false - the account's existing role is used, and synthesis warns
   * (`cdk-mlops-framework:apiGatewayLoggingRole`) when a stack with an API
   * has no AWS::ApiGateway::Account
   */
  readonly apiGatewayLoggingRole?: boolean;
}
