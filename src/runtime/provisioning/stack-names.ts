/**
 * Which stacks are pipelines of this framework: those named
 * `${stackPrefix}${pipelineName}`. The provisioning role may touch no other
 * stack, so every name that reaches CloudFormation goes through here.
 */

/** The stack of a pipeline. */
export function stackNameFor(stackPrefix: string, pipelineName: string): string {
  return `${stackPrefix}${pipelineName}`;
}

/** The pipeline a stack holds, or undefined for a stack that is not ours. */
export function pipelineNameOf(stackPrefix: string, stackName: string): string | undefined {
  if (!stackName.startsWith(stackPrefix) || stackName.length === stackPrefix.length) {
    return undefined;
  }
  return stackName.slice(stackPrefix.length);
}

const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/([A-Za-z][A-Za-z0-9-]*)\/[A-Za-z0-9-]+$/;

/** The stack name inside a stack ARN, or undefined for anything else. */
export function stackNameOfArn(value: string): string | undefined {
  return STACK_ARN.exec(value)?.[1];
}
