import { CfnParameter, Stack } from 'aws-cdk-lib';

/** What a string parameter may hold, and its value when the request leaves it out. */
export interface TextParameterOptions {
  readonly allowedValues?: string[];
  readonly allowedPattern?: string;
  readonly default?: string;
}

/** What a number parameter may hold. */
export interface NumberParameterOptions {
  readonly minValue: number;
  readonly maxValue: number;
  readonly default?: number;
}

/**
 * Declares a blueprint stack's CloudFormation parameters, each with its
 * description, and hands back its value for the constructs to use. The
 * template lists parameters in the order they are declared.
 */
export class StackParameters {
  constructor(private readonly stack: Stack) {}

  /** A string parameter's value. */
  public text(name: string, description: string, options: TextParameterOptions = {}): string {
    return new CfnParameter(this.stack, name, { type: 'String', description, ...options }).valueAsString;
  }

  /** A number parameter's value. */
  public number(name: string, description: string, options: NumberParameterOptions): number {
    return new CfnParameter(this.stack, name, { type: 'Number', description, ...options }).valueAsNumber;
  }
}
