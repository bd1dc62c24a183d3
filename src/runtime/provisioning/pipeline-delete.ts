import { CloudFormationClient, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { errorMessage, errorName } from '../aws-errors';
import { deleteToken } from './request-fingerprint';
import { stackNameFor } from './stack-names';
import { describeStack } from './stack-state';

export type DeleteOutcome =
  | { readonly kind: 'deleting'; readonly name: string; readonly stackId: string; readonly status: 'DELETE_IN_PROGRESS' }
  | { readonly kind: 'not-found'; readonly name: string }
  | { readonly kind: 'conflict'; readonly name: string; readonly stackId: string; readonly stackStatus: string; readonly message: string };

/**
 * `DELETE /pipelines/{name}`: deletes the pipeline's stack with the
 * CloudFormation role (the stack's clean-up resource removes its endpoints).
 * The stack is deleted by ID, so a stack of the same name created meanwhile
 * is never the one deleted; a retried delete repeats its token.
 */
export async function deletePipeline(
  cloudformation: CloudFormationClient,
  stackPrefix: string,
  roleArn: string,
  name: string,
): Promise<DeleteOutcome> {
  const stack = await describeStack(cloudformation, stackNameFor(stackPrefix, name));
  if (!stack) {
    return { kind: 'not-found', name };
  }
  const stackId = stack.StackId ?? stackNameFor(stackPrefix, name);
  if (stack.StackStatus === 'DELETE_IN_PROGRESS') {
    return { kind: 'deleting', name, stackId, status: 'DELETE_IN_PROGRESS' };
  }
  try {
    await cloudformation.send(new DeleteStackCommand({ StackName: stackId, RoleARN: roleArn, ClientRequestToken: deleteToken(stackId) }));
  } catch (err) {
    // CloudFormation refuses to delete a stack in the middle of an update.
    const state = /in status (\w+)|is in (\w+) state/.exec(errorMessage(err));
    if (errorName(err) === 'ValidationError' && state) {
      const stackStatus = state[1] ?? state[2];
      return { kind: 'conflict', name, stackId, stackStatus, message: `Stack ${stack.StackName} is ${stackStatus} and cannot be deleted now; try again when the change has finished` };
    }
    throw err;
  }
  return { kind: 'deleting', name, stackId, status: 'DELETE_IN_PROGRESS' };
}
