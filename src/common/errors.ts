/**
 * Thrown when a construct's props are invalid. The message lists every
 * problem found, one per line, each naming the prop.
 */
export class MlopsValidationError extends Error {
  /** Each problem, as `prop: what is wrong`. */
  public readonly problems: string[];

  constructor(construct: string, problems: string[]) {
    super(`Invalid ${construct} props:\n  - ${problems.join('\n  - ')}`);
    this.name = 'MlopsValidationError';
    this.problems = problems;
    Object.setPrototypeOf(this, MlopsValidationError.prototype);
  }
}
