import { Aspects, CfnResource, IAspect, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * The construct-metadata key under which CDK's `Validations.of(x).acknowledge()`
 * records acknowledged rules and which cdk-nag v3 reads. Written directly so
 * the library works with aws-cdk-lib versions that predate `Validations`.
 */
const ACKNOWLEDGED_RULES = 'aws:cdk:acknowledged-rules';

/** Acknowledges a cdk-nag rule on a construct and everything below it, with the reason. */
export function acknowledgeRule(scope: IConstruct, ruleId: string, reason: string): void {
  scope.node.addMetadata(ACKNOWLEDGED_RULES, { [ruleId]: reason });
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
  Aspects.of(scope).add(new WildcardJustifier(justifications));
}

class WildcardJustifier implements IAspect {
  constructor(private readonly justifications: WildcardJustification[]) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnPolicy || node instanceof iam.CfnManagedPolicy)) {
      return;
    }
    const document = Stack.of(node).resolve((node as CfnResource & { policyDocument: unknown }).policyDocument);
    for (const finding of wildcardFindings(document)) {
      const justification = this.justifications.find((j) => j.finding.test(finding));
      if (justification) {
        acknowledgeRule(node, `AwsSolutions-IAM5[${finding}]`, justification.reason);
      }
    }
  }
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
