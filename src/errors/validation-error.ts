/**
 * The brand every validation error carries. `Symbol.for`, not a class check:
 * two copies of the library in one app (a construct library that depends on
 * another version) still recognize each other's errors, as aws-cdk-lib's own
 * `Errors.isValidationError` does.
 */
const VALIDATION_ERROR = Symbol.for('cdk-mlops-framework.ValidationError');

/**
 * The base of the library's error classes. jsii refuses a class that extends
 * `Error` directly in an exported module, but accepts one that extends a
 * class of the module's own, which it does not look into.
 */
abstract class MlopsError extends Error {}

/**
 * Thrown when the library is given something it cannot use: a construct's
 * props, a method's argument, a framework image that does not exist. Its
 * message lists every problem, one per line, each naming the prop or argument.
 *
 * Recognize it with `MlopsErrors.isValidationError(error)` and read its
 * problems with `MlopsErrors.validationProblems(error)`. jsii cannot make a
 * class that extends `Error` part of the Python, Java, Go or .NET APIs, so
 * the class itself is for TypeScript only (`instanceof`, or the type
 * `isValidationError` narrows to).
 *
 * @internal
 */
export class MlopsValidationError extends MlopsError {
  /** Each problem, as `prop: what is wrong`. */
  public readonly problems: string[];

  /**
   * @param problem one problem that is not about a construct's props (a method's
   * argument, say), starting with what it concerns: the whole message
   */
  constructor(problem: string);
  /**
   * @param construct the construct whose props are invalid, for the message's heading
   * @param problems each problem, as `prop: what is wrong`
   */
  constructor(construct: string, problems: string[]);
  constructor(subject: string, problems?: string[]) {
    super(problems === undefined ? subject : `Invalid ${subject} props:\n  - ${problems.join('\n  - ')}`);
    this.name = 'MlopsValidationError';
    this.problems = problems ?? [subject];
    Object.defineProperty(this, VALIDATION_ERROR, { value: true });
  }
}

/** Whether `x` is a validation error of this library (of any copy of it in the app). */
export function isMlopsValidationError(x: unknown): x is MlopsValidationError {
  return x !== null && typeof x === 'object' && VALIDATION_ERROR in x;
}
