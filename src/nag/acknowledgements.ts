import { AspectPriority, Aspects, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { recordLibraryAcknowledgement, writeNagV2Suppressions } from './nag-v2-suppressions';
import { removeRedundantDependsOn } from '../common/redundant-dependencies';

/**
 * The construct-metadata key under which CDK's `Validations.of(x).acknowledge()`
 * records acknowledged rules and which cdk-nag v3 reads. Written directly so
 * the library works with aws-cdk-lib versions that predate `Validations`.
 */
const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';

/**
 * Acknowledges a cdk-nag rule on a construct and everything below it, with
 * the reason: for cdk-nag 3 as construct metadata, and for cdk-nag 2, when
 * an app attaches it, as its CloudFormation metadata (see nag-v2-suppressions.ts).
 */
export function acknowledgeRule(scope: IConstruct, ruleId: string, reason: string): void {
  scope.node.addMetadata(ACKNOWLEDGED_RULES, { [ruleId]: reason });
  recordLibraryAcknowledgement(scope, ruleId, reason);
  writeNagV2Suppressions(Stack.of(scope));
}

/** The id CDK gives its bucket-notifications handler, one per stack. */
const BUCKET_NOTIFICATIONS_HANDLER_ID = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

/**
 * Turning on EventBridge notifications for a bucket from outside its own
 * construct makes CDK add its notifications custom resource to the bucket's
 * stack, with one handler per stack whose role has the AWS managed
 * basic-execution policy (its own logs only). Acknowledges that finding.
 * @param reason why the handler is there, for the caller's bucket
 * @returns the handler, for a caller to explain more of it; undefined when the stack has none
 */
export function acknowledgeBucketNotificationsHandler(stack: Stack, reason: string): IConstruct | undefined {
  const handler = stack.node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER_ID);
  if (handler) {
    acknowledgeRule(handler, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason);
    // Some aws-cdk-lib versions grant it s3:PutBucketNotification on '*'.
    justifyWildcards(handler, [
      { finding: /^Resource::\*$/, reason: 'CDK\'s bucket-notifications handler calls s3:PutBucketNotification, which it scopes to any bucket in the stack' },
    ]);
    // The library made CDK add it, so its template is the library's to keep clean.
    removeRedundantDependsOn(handler);
  }
  return handler;
}

/** Why some wildcard in an IAM policy is needed, for the findings whose text matches. */
export interface WildcardJustification {
  /** Matched against cdk-nag's finding text, e.g. `Action::s3:GetObject*` or `Resource::<Bucket.Arn>/releases/x/*`. */
  readonly finding: RegExp;
  readonly reason: string;
}

/**
 * Acknowledges AwsSolutions-IAM5 (wildcard) findings on the IAM policies under
 * `scope`, each only when a justification matches it; anything unexplained
 * stays a finding. The findings are computed the way cdk-nag computes them,
 * at synthesis (an aspect), when logical IDs are known.
 */
export function justifyWildcards(scope: IConstruct, justifications: WildcardJustification[]): void {
  // Before the cdk-nag 2 form is written (and before cdk-nag 2 itself looks),
  // and registering that writer now: an aspect added by an aspect never runs.
  Aspects.of(scope).add(new WildcardJustifier(justifications), { priority: AspectPriority.MUTATING });
  writeNagV2Suppressions(Stack.of(scope));
}

class WildcardJustifier implements IAspect {
  constructor(private readonly justifications: WildcardJustification[]) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnPolicy || node instanceof iam.CfnManagedPolicy)) {
      return;
    }
    const stack = Stack.of(node);
    const document = stack.resolve((node as CfnResource & { policyDocument: unknown }).policyDocument);
    for (const finding of wildcardFindings(document)) {
      const general = withPlaceholders(finding, stack);
      const justification = this.justifications.find((j) => j.finding.test(finding) || j.finding.test(general));
      if (justification) {
        acknowledgeRule(node, `AwsSolutions-IAM5[${finding}]`, justification.reason);
      }
    }
  }
}

/**
 * A finding as it reads in an env-agnostic stack: in a stack with a concrete
 * account and region, ARNs hold them (and, on some aws-cdk-lib versions, the
 * partition) as literals where an env-agnostic stack has
 * `<AWS::AccountId>`, `<AWS::Region>` and `<AWS::Partition>`. The
 * justifications are written against the latter, and hold for both.
 */
function withPlaceholders(finding: string, stack: Stack): string {
  let general = finding;
  if (!Token.isUnresolved(stack.partition)) general = general.split(`arn:${stack.partition}:`).join('arn:<AWS::Partition>:');
  if (!Token.isUnresolved(stack.account)) general = general.split(stack.account).join('<AWS::AccountId>');
  if (!Token.isUnresolved(stack.region)) general = general.split(stack.region).join('<AWS::Region>');
  return general;
}

/** The IAM5 findings of a resolved policy document, in cdk-nag's notation. */
export function wildcardFindings(document: any): string[] {
  const findings = new Set<string>();
  for (const statement of document?.Statement ?? []) {
    if (statement.Effect !== 'Allow') {
      continue;
    }
    for (const action of toArray(statement.Action)) {
      if (typeof action === 'string' && action.includes('*')) findings.add(`Action::${action}`);
    }
    for (const resource of toArray(statement.Resource).map(flatten)) {
      if (resource.includes('*')) findings.add(`Resource::${resource}`);
    }
  }
  return [...findings];
}

function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** CloudFormation intrinsics as flat text: `<Logical.Attr>` for GetAtt, `<Name>` for Ref. */
function flatten(value: any): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/}/g, '>');
  if (value['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'];
    return items.map(flatten).join(delimiter);
  }
  if (value['Fn::Sub']) return flatten(value['Fn::Sub']);
  if (value['Fn::GetAtt']) {
    const [resource, attribute] = value['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (value['Fn::ImportValue']) return flatten(value['Fn::ImportValue']);
  if (value.Ref) return `<${flatten(value.Ref)}>`;
  return JSON.stringify(value);
}
