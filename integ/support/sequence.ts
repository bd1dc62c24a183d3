import { IApiCall } from '@aws-cdk/integ-tests-alpha';
import { IConstruct } from 'constructs';

/**
 * Runs assertion sequences one after another. Each argument is the call a
 * support helper returns: the last of its sequence. `next()` alone would only
 * hold back that last call; the sequence's first call (usually a waiter)
 * would still start as soon as the assertion stack deploys, and a waiter for
 * a late environment would use up its time (at most an hour, CloudFormation's
 * limit for a custom resource) before the pipeline gets there.
 * @returns the last call of the last sequence
 */
export function inOrder(...sequences: IApiCall[]): IApiCall {
  for (let i = 1; i < sequences.length; i++) {
    for (const first of firstCalls(sequences[i])) {
      sequences[i - 1].next(first);
    }
  }
  return sequences[sequences.length - 1];
}

/** The calls of `last`'s sequence that wait for no other call: where it starts. */
function firstCalls(last: IApiCall): IApiCall[] {
  const before = last.node.dependencies.filter(isApiCall);
  return before.length === 0 ? [last] : before.flatMap(firstCalls);
}

function isApiCall(construct: IConstruct): construct is IApiCall {
  return typeof (construct as Partial<IApiCall>).next === 'function' && 'provider' in construct;
}
