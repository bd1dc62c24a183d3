import type { DeployedStack } from '../cloudformation/deployed-stack';
import { DeployedRole, deployedRole, resourcePolicyOf } from '../iam/role-policies';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * Deployed stacks that together are the AWS account a test's handlers run
 * in: the roles they act as (with every policy the stacks give them), the
 * resource policies of the buckets, keys, topics and roles in them, and
 * which buckets encrypt with which key. Calls are evaluated against it.
 */
export class PolicyWorld {
  private readonly roles: readonly DeployedRole[];
  private readonly resourcePolicies = new Map<string, any | undefined>();

  constructor(public readonly name: string, public readonly stacks: readonly DeployedStack[]) {
    this.roles = stacks.flatMap((stack) => [...stack.resources.values()]
      .filter((r) => r.type === 'AWS::IAM::Role')
      .map((r) => deployedRole(stack, r.logicalId)));
  }

  /** A role of the world by logical ID prefix (`ChurnDeployRole`). */
  public role(logicalIdPrefix: string): DeployedRole {
    const found = this.roles.filter((r) => r.logicalId.startsWith(logicalIdPrefix));
    if (found.length !== 1) {
      throw new Error(`world ${this.name} has ${found.length} roles ${logicalIdPrefix}* (${found.map((r) => r.logicalId).join(', ')}); name one`);
    }
    return found[0];
  }

  /** The role with this ARN, if the world has it. */
  public roleByArn(arn: string): DeployedRole | undefined {
    return this.roles.find((r) => r.arn === arn);
  }

  /** The policy the resource carries itself (bucket, key, topic, queue, role trust), if the world defines the resource. */
  public resourcePolicy(arn: string): any | undefined {
    if (!this.resourcePolicies.has(arn)) {
      this.resourcePolicies.set(arn, this.stacks.map((stack) => resourcePolicyOf(stack, arn)).find((policy) => policy !== undefined));
    }
    return this.resourcePolicies.get(arn);
  }

  /** The account of the stack a bucket of the world is in (S3 ARNs name none), if the world has the bucket. */
  public bucketAccount(bucket: string): string | undefined {
    return this.stackOfBucket(bucket)?.account;
  }

  /** The region of the stack a bucket of the world is in, if the world has the bucket. */
  public bucketRegion(bucket: string): string | undefined {
    return this.stackOfBucket(bucket)?.region;
  }

  private stackOfBucket(bucket: string): DeployedStack | undefined {
    return this.stacks.find((stack) => [...stack.resources.values()].some((r) => r.type === 'AWS::S3::Bucket' && r.ref === bucket));
  }

  /** The ARN of the KMS key a bucket of the world encrypts new objects with, if it does. */
  public bucketKey(bucket: string): string | undefined {
    for (const stack of this.stacks) {
      const found = [...stack.resources.values()].find((r) => r.type === 'AWS::S3::Bucket' && r.ref === bucket);
      const rule = found?.properties.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
      if (rule?.SSEAlgorithm === 'aws:kms' && rule.KMSMasterKeyID) {
        return this.keyArn(rule.KMSMasterKeyID);
      }
    }
    return undefined;
  }

  /** The ARN of the KMS key an SNS topic of the world encrypts with, if it does. */
  public topicKey(topicArn: string): string | undefined {
    for (const stack of this.stacks) {
      const found = [...stack.resources.values()].find((r) => r.type === 'AWS::SNS::Topic' && r.ref === topicArn);
      if (found?.properties.KmsMasterKeyId) {
        return this.keyArn(found.properties.KmsMasterKeyId);
      }
    }
    return undefined;
  }

  /** A key ID or ARN of the world as an ARN. */
  private keyArn(idOrArn: string): string {
    if (idOrArn.startsWith('arn:')) return idOrArn;
    for (const stack of this.stacks) {
      const key = [...stack.resources.values()].find((r) => r.type === 'AWS::KMS::Key' && r.ref === idOrArn);
      if (key?.arn) return key.arn;
    }
    throw new Error(`world ${this.name} has no KMS key ${idOrArn}`);
  }
}
