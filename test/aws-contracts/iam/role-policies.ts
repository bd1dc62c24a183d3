import type { NamedPolicy } from './policy-evaluator';
import type { DeployedResource, DeployedStack } from '../cloudformation/deployed-stack';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A role of a deployed stack and every policy that grants it something. */
export interface DeployedRole {
  readonly logicalId: string;
  readonly arn: string;
  readonly name: string;
  /** Inline policies, AWS::IAM::Policy resources on the role, and the stack's managed policies attached to it. */
  readonly policies: readonly NamedPolicy[];
  /** Managed policies the stack does not define (AWS managed ones): their documents are not known offline. */
  readonly externalManagedPolicies: readonly string[];
  /** The trust policy. */
  readonly trustPolicy: any;
}

/** The role `logicalId` of `stack`, with its policies as deployed. */
export function deployedRole(stack: DeployedStack, logicalId: string): DeployedRole {
  const role = stack.resources.get(logicalId);
  if (!role || role.type !== 'AWS::IAM::Role') {
    throw new Error(`${stack.stackName} has no role ${logicalId}`);
  }
  const name = role.ref;
  const policies: NamedPolicy[] = (role.properties.Policies ?? []).map((p: any) => ({ name: `${logicalId}/${p.PolicyName}`, policy: p.PolicyDocument }));
  const managed = new Set<string>(role.properties.ManagedPolicyArns ?? []);
  for (const resource of stack.resources.values()) {
    if (resource.type === 'AWS::IAM::Policy' && (resource.properties.Roles ?? []).includes(name)) {
      policies.push({ name: resource.logicalId, policy: resource.properties.PolicyDocument });
    }
    if (resource.type === 'AWS::IAM::ManagedPolicy') {
      if ((resource.properties.Roles ?? []).includes(name) || managed.has(resource.ref)) {
        policies.push({ name: resource.logicalId, policy: resource.properties.PolicyDocument });
        managed.delete(resource.ref);
      }
    }
  }
  return { logicalId, arn: role.arn!, name, policies, externalManagedPolicies: [...managed], trustPolicy: role.properties.AssumeRolePolicyDocument };
}

/** The role whose physical name or ARN is `nameOrArn`, if the stack has it. */
export function findDeployedRole(stack: DeployedStack, nameOrArn: string): DeployedRole | undefined {
  const role = [...stack.resources.values()].find((r) => r.type === 'AWS::IAM::Role' && (r.ref === nameOrArn || r.arn === nameOrArn));
  return role && deployedRole(stack, role.logicalId);
}

/**
 * The policy a resource carries itself, which IAM weighs beside the caller's
 * identity policies: a bucket's policy, a key's key policy, a topic's or
 * queue's policy, a role's trust policy.
 */
export function resourcePolicyOf(stack: DeployedStack, arn: string): any | undefined {
  for (const resource of stack.resources.values()) {
    const policy = policyOn(resource, arn, stack);
    if (policy) return policy;
  }
  return undefined;
}

function policyOn(resource: DeployedResource, arn: string, stack: DeployedStack): any | undefined {
  const p = resource.properties;
  switch (resource.type) {
    case 'AWS::S3::BucketPolicy': {
      const bucket = `arn:aws:s3:::${p.Bucket}`;
      return arn === bucket || arn.startsWith(`${bucket}/`) ? p.PolicyDocument : undefined;
    }
    case 'AWS::KMS::Key':
      return resource.arn === arn ? p.KeyPolicy : undefined;
    case 'AWS::SNS::TopicPolicy':
      return (p.Topics ?? []).includes(arn) ? p.PolicyDocument : undefined;
    case 'AWS::SQS::QueuePolicy': {
      const queues = (p.Queues ?? []).map((url: string) => queueArnOf(url, stack));
      return queues.includes(arn) ? p.PolicyDocument : undefined;
    }
    case 'AWS::IAM::Role':
      return resource.arn === arn ? p.AssumeRolePolicyDocument : undefined;
    default:
      return undefined;
  }
}

function queueArnOf(url: string, stack: DeployedStack): string {
  const name = url.split('/').pop();
  return `arn:aws:sqs:${stack.region}:${stack.account}:${name}`;
}
