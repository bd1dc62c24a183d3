/**
 * A security review of every template the product synthesizes: the example
 * app's stacks, the 16 shipped blueprints and every integ test stack. The
 * framework stack is there three ways: integ.orchestrator's (an assets bucket
 * passed in), the example's MlopsPlatform (its own) and one with a Git
 * trigger. Each rule names what it checks; each lists the offenders when it fails.
 */
import { asArray, conditionKeys, FoundStatement, identityStatements, isReadOnlyAction, isWholeWildcard, resourcePolicyStatements } from './policy-statements';
import { blueprintTemplates, gitTriggerFrameworkTemplate, integTemplates, integTestNames, ProductTemplate, synthesizeExampleApp } from './product-templates';
import { deniesWithoutTls, isEveryone, PolicyAttachment, resourcesOfType } from './tls-policies';
import { UNSOURCED_SERVICE_GRANTS } from './unsourced-service-grants';
import { WILDCARD_WRITE_ALLOW_LIST } from './wildcard-write-allow-list';
import { blueprintShapes } from '../../src/blueprint/blueprint-parameters';

const blueprints = blueprintTemplates();
const integ = integTemplates();
const example = synthesizeExampleApp().templates;
const templates: ProductTemplate[] = [...blueprints, ...integ, ...example, gitTriggerFrameworkTemplate()];

describe('the reviewed templates', () => {
  // A set that came back empty (blueprints not built, snapshots moved) would
  // make every rule below pass on nothing.
  test('are all 16 blueprints, at least one test stack per integ test, and the example app\'s three stacks', () => {
    expect(blueprints).toHaveLength(blueprintShapes().length);
    expect(blueprints.length).toBeGreaterThanOrEqual(16);
    expect(integ.length).toBeGreaterThanOrEqual(integTestNames().length);
    expect(integTestNames().length).toBeGreaterThanOrEqual(7);
    expect(example.map((t) => t.name).sort()).toEqual(['example ChurnModel', 'example MlopsPlatform', 'example RecommenderModel']);
  });

  test('include the framework stack, with its provisioning API', () => {
    const frameworks = templates.filter((t) => Object.keys(t.template.Resources).some((id) => /^MlopsProvisionFunction/.test(id)));
    expect(frameworks.map((t) => t.name).sort()).toEqual(['example MlopsPlatform', 'framework with a Git trigger', 'integ MlopsOrchestrator']);
  });
});

describe('IAM', () => {
  const statements = identityStatements(templates).filter(({ statement }) => statement.Effect === 'Allow');
  const wildcardWrites = statements.flatMap(({ where, statement }) => asArray<unknown>(statement.Resource).some(isWholeWildcard)
    ? asArray<string>(statement.Action).filter((action) => !isReadOnlyAction(action)).map((action) => ({ where, action, statement }))
    : []);

  test('the review sees the policies: thousands of Allow statements, some of them on *', () => {
    expect(statements.length).toBeGreaterThan(1000);
    expect(wildcardWrites.length).toBeGreaterThan(0);
  });

  test('no Allow statement grants by exclusion (NotAction or NotResource)', () => {
    expect(statements.filter(({ statement }) => statement.NotAction || statement.NotResource).map(({ where }) => where)).toEqual([]);
  });

  test('a write action (anything but Describe/Get/List/BatchGet/Head/Search/Query/Scan, and every wildcard action) is allowed on * only if the allow-list gives the reason', () => {
    const unlisted = wildcardWrites.filter(({ action }) => !(action in WILDCARD_WRITE_ALLOW_LIST));
    expect(unlisted.map(({ where, action }) => `${where}: ${action} on *`)).toEqual([]);
  });

  test('an allow-listed action that needs a condition has it in every statement that allows it on *', () => {
    const unnarrowed = wildcardWrites.filter(({ action, statement }) => {
      const required = WILDCARD_WRITE_ALLOW_LIST[action]?.requiredConditionKey;
      return required !== undefined && !conditionKeys(statement).includes(required);
    });
    expect(unnarrowed.map(({ where, action }) => `${where}: ${action} on * without ${WILDCARD_WRITE_ALLOW_LIST[action].requiredConditionKey}`)).toEqual([]);
  });

  test('every allow-list entry is still used by some template, so the list stays honest', () => {
    const used = new Set(wildcardWrites.map(({ action }) => action));
    expect(Object.keys(WILDCARD_WRITE_ALLOW_LIST).filter((action) => !used.has(action))).toEqual([]);
  });
});

describe('resource policies (bucket, topic, queue, key and trust policies)', () => {
  const grants = resourcePolicyStatements(templates).filter(({ statement }) => statement.Effect === 'Allow');

  test('the review sees them: Allow statements for services, roles and accounts', () => {
    expect(grants.length).toBeGreaterThan(100);
  });

  test('never let any principal (*) write without a condition', () => {
    const open = grants.filter(({ statement }) => isEveryone(statement.Principal) || statement.NotPrincipal)
      .filter(({ statement }) => asArray<string>(statement.Action).some((action) => !isReadOnlyAction(action)))
      .filter(({ statement }) => conditionKeys(statement).length === 0);
    expect(open.map(describeStatement)).toEqual([]);
  });

  describe('of buckets, topics and queues', () => {
    const policyTypes = ['AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy', 'AWS::SQS::QueuePolicy'];
    const serviceWrites = grants.filter(({ resourceType }) => policyTypes.includes(resourceType)).flatMap((found) => {
      const services = asArray<string>(found.statement.Principal?.Service);
      const writes = asArray<string>(found.statement.Action).filter((action) => !isReadOnlyAction(action));
      return services.flatMap((service) => writes.map((action) => ({ ...found, grant: `${service} ${action}` })));
    });
    const unsourced = serviceWrites.filter(({ statement }) => !conditionKeys(statement).some((key) => ['aws:SourceArn', 'aws:SourceAccount'].includes(key)));

    test('let an AWS service write only for named sources (aws:SourceArn or aws:SourceAccount), unless listed with a reason', () => {
      expect(serviceWrites.length).toBeGreaterThan(unsourced.length);
      expect(unsourced.filter(({ grant }) => !(grant in UNSOURCED_SERVICE_GRANTS)).map(describeStatement)).toEqual([]);
    });

    test('every listed unsourced service grant is still used by some template', () => {
      const used = new Set(unsourced.map(({ grant }) => grant));
      expect(Object.keys(UNSOURCED_SERVICE_GRANTS).filter((grant) => !used.has(grant))).toEqual([]);
    });
  });
});

describe('encryption and TLS', () => {
  const buckets = resourcesOfType(templates, 'AWS::S3::Bucket');
  const topics = resourcesOfType(templates, 'AWS::SNS::Topic');
  const queues = resourcesOfType(templates, 'AWS::SQS::Queue');
  const bucketPolicy: PolicyAttachment = { policyType: 'AWS::S3::BucketPolicy', targetProperty: 'Bucket', deniedAction: 's3:*' };
  // The product's topics refuse plain-HTTP publishing (CDK's enforceSSL for topics).
  const topicPolicy: PolicyAttachment = { policyType: 'AWS::SNS::TopicPolicy', targetProperty: 'Topics', deniedAction: 'sns:Publish' };
  const queuePolicy: PolicyAttachment = { policyType: 'AWS::SQS::QueuePolicy', targetProperty: 'Queues', deniedAction: 'sqs:*' };

  test('every S3 bucket is encrypted at rest (BucketEncryption)', () => {
    expect(buckets.length).toBeGreaterThan(0);
    expect(buckets.filter((b) => !b.properties.BucketEncryption?.ServerSideEncryptionConfiguration?.length).map((b) => b.where)).toEqual([]);
  });

  test('every S3 bucket blocks public access with all four settings true', () => {
    const settings = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];
    const open = buckets.filter((b) => !settings.every((setting) => b.properties.PublicAccessBlockConfiguration?.[setting] === true));
    expect(open.map((b) => b.where)).toEqual([]);
  });

  test('every S3 bucket has a bucket policy denying every request without TLS (s3:* when aws:SecureTransport is false)', () => {
    expect(buckets.filter((b) => !deniesWithoutTls(b, bucketPolicy)).map((b) => b.where)).toEqual([]);
  });

  test('every SNS topic is KMS-encrypted (KmsMasterKeyId)', () => {
    expect(topics.length).toBeGreaterThan(0);
    expect(topics.filter((t) => t.properties.KmsMasterKeyId === undefined).map((t) => t.where)).toEqual([]);
  });

  test('every SNS topic has a topic policy denying sns:Publish without TLS (aws:SecureTransport false)', () => {
    expect(topics.filter((t) => !deniesWithoutTls(t, topicPolicy)).map((t) => t.where)).toEqual([]);
  });

  test('every SQS queue (the dead-letter queues) is encrypted (SQS-managed SSE or KMS)', () => {
    expect(queues.length).toBeGreaterThan(0);
    const plain = queues.filter((q) => q.properties.SqsManagedSseEnabled !== true && q.properties.KmsMasterKeyId === undefined);
    expect(plain.map((q) => q.where)).toEqual([]);
  });

  test('every SQS queue has a queue policy denying sqs:* without TLS (aws:SecureTransport false)', () => {
    expect(queues.filter((q) => !deniesWithoutTls(q, queuePolicy)).map((q) => q.where)).toEqual([]);
  });

  test('every KMS key rotates (EnableKeyRotation)', () => {
    const keys = resourcesOfType(templates, 'AWS::KMS::Key');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.filter((k) => k.properties.EnableKeyRotation !== true).map((k) => k.where)).toEqual([]);
  });

  test('every CloudWatch log group expires its events (RetentionInDays; CloudWatch Logs encrypts them at rest itself)', () => {
    const groups = resourcesOfType(templates, 'AWS::Logs::LogGroup');
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.filter((g) => typeof g.properties.RetentionInDays !== 'number').map((g) => g.where)).toEqual([]);
  });
});

describe('API authorization', () => {
  // No exception: no method is open, not even OPTIONS, since the callers are
  // AWS principals signing with SigV4, not browsers needing CORS preflight.
  test('every API Gateway method requires IAM authorization (AuthorizationType AWS_IAM)', () => {
    const methods = resourcesOfType(templates, 'AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThan(0);
    const open = methods.filter((m) => m.properties.AuthorizationType !== 'AWS_IAM');
    expect(open.map((m) => `${m.where}: ${m.properties.HttpMethod} with ${m.properties.AuthorizationType ?? 'no authorization'}`)).toEqual([]);
  });
});

function describeStatement({ where, statement }: FoundStatement): string {
  return `${where}: ${JSON.stringify(statement)}`;
}
