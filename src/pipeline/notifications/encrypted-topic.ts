import { RemovalPolicy, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** SNS caps a topic's display name (the sender name of its emails) at 100 characters. */
const DISPLAY_NAME_MAX = 100;

/** Props of {@link createEncryptedTopic}; the construct IDs are the caller's, so they never move. */
export interface EncryptedTopicProps {
  readonly topicId: string;
  readonly keyId: string;
  readonly displayName: string;
  readonly keyDescription: string;
}

/** A KMS-encrypted, TLS-only topic whose signed messages use SHA256. */
export function createEncryptedTopic(scope: Construct, props: EncryptedTopicProps): { readonly topic: sns.Topic; readonly key: kms.Key } {
  const key = new kms.Key(scope, props.keyId, {
    description: props.keyDescription,
    enableKeyRotation: true,
    // SNS keeps no message once it is delivered, so nothing is left for the key to decrypt.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const topic = new sns.Topic(scope, props.topicId, {
    displayName: props.displayName.slice(0, DISPLAY_NAME_MAX),
    masterKey: key,
    // A Deny on sns:Publish without aws:SecureTransport in the topic policy.
    enforceSSL: true,
    // Messages SNS signs (for HTTPS or email-json subscribers added later) use SHA256, not SHA1.
    signatureVersion: '2',
  });
  return { topic, key };
}

/**
 * Subscribes each address to the topic by email. Each subscription is named
 * after its address, so adding, removing or reordering addresses never
 * replaces another one's subscription (which would send it a new confirmation
 * request). Construct IDs may not contain "/".
 */
export function subscribeEmails(scope: Construct, topic: sns.ITopic, emails: string[]): void {
  emails.forEach((email, index) => {
    new sns.Subscription(scope, Token.isUnresolved(email) ? `Email${index}` : `Email-${email.replace(/\//g, '_')}`, {
      topic,
      protocol: sns.SubscriptionProtocol.EMAIL,
      endpoint: email,
    });
  });
}
