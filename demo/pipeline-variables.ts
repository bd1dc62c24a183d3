/**
 * CodePipeline's variables during one execution: `codepipeline.PipelineExecutionId`,
 * and the output variables of every action with a namespace that has run.
 * CodePipeline replaces `#{namespace.Name}` in an action's configuration as
 * the action starts, and fails the action when a reference has no value yet;
 * so does this, which checks the construct's wiring between stages too.
 */
export class ExecutionVariables {
  private readonly values = new Map<string, string>();

  constructor(executionId: string) {
    this.set('codepipeline', { PipelineExecutionId: executionId });
  }

  /** Records an action's output variables under its namespace. */
  public set(namespace: string, variables: Record<string, string>): void {
    for (const [name, value] of Object.entries(variables)) {
      this.values.set(`${namespace}.${name}`, value);
    }
  }

  /** `text` with every `#{namespace.Name}` replaced by its value. */
  public substitute(text: string): string {
    return text.replace(/#\{([^}]+)\}/g, (_, reference: string) => {
      const value = this.values.get(reference);
      if (value === undefined) {
        throw new Error(`The pipeline variable #{${reference}} has no value at this point of the execution`);
      }
      return value;
    });
  }
}
