import { CloudFormationClient, DescribeStacksCommand, Stack } from '@aws-sdk/client-cloudformation';
import { errorMessage, errorName } from '../aws-errors';

/** What a stack's status allows the provisioning API to do with it. */
export type StackCondition =
  /** Stable: it may be updated or deleted. */
  | 'stable'
  /** CloudFormation is working on it; another change must wait. */
  | 'busy'
  /** Stuck where no update can succeed (a failed create or delete, a failed rollback): it must be deleted (or its rollback continued) first. */
  | 'blocked'
  /** Gone: deleted, or never there. */
  | 'gone';

/**
 * Classifies a CloudFormation stack status. `ROLLBACK_COMPLETE` is a create
 * that failed and rolled back: CloudFormation refuses to update it, only
 * deleting it helps. `UPDATE_ROLLBACK_COMPLETE` is an update that was undone:
 * the stack works on its previous template and may be updated again.
 */
export function stackCondition(status: string | undefined): StackCondition {
  if (!status || status === 'DELETE_COMPLETE') {
    return 'gone';
  }
  if (status.endsWith('_IN_PROGRESS')) {
    return 'busy';
  }
  if (status === 'ROLLBACK_COMPLETE' || status.endsWith('_FAILED')) {
    return 'blocked';
  }
  return 'stable';
}

/** CloudFormation answers DescribeStacks of an unknown name with this ValidationError. */
export function isStackMissing(err: unknown): boolean {
  return errorName(err) === 'ValidationError' && /does not exist/i.test(errorMessage(err));
}

/**
 * The stack named (or with the ARN) `stack`, or undefined when there is none.
 * By ARN, CloudFormation also returns a deleted stack; that counts as none.
 */
export async function describeStack(cloudformation: CloudFormationClient, stack: string): Promise<Stack | undefined> {
  try {
    const found = (await cloudformation.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0];
    return stackCondition(found?.StackStatus) === 'gone' ? undefined : found;
  } catch (err) {
    if (isStackMissing(err)) {
      return undefined;
    }
    throw err;
  }
}

/** A tag's value on a described stack. */
export function stackTag(stack: Stack, key: string): string | undefined {
  return stack.Tags?.find((t) => t.Key === key)?.Value;
}

/** A stack output's value, or undefined while the stack does not (yet) have it. */
export function stackOutput(stack: Stack, key: string): string | undefined {
  const value = stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  return value === undefined || value === '' ? undefined : value;
}
