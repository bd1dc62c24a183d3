import { MlopsValidationError, isMlopsValidationError } from './validation-error';

/**
 * Tells the library's validation errors from other errors. A validation error
 * is thrown when props or arguments are invalid, with every problem found,
 * each naming the prop, one per line of its message.
 *
 * The checks take the JavaScript error object, which TypeScript and
 * JavaScript code catches. In Python, Java, Go and .NET, jsii turns the error
 * into an exception of the language that carries the same message.
 *
 * TypeScript code may also import the error's class, `MlopsValidationError`,
 * from the package, for `instanceof` or as a type. It is not part of this
 * API reference: jsii cannot export a class that extends `Error` to the other
 * languages.
 */
export class MlopsErrors {
  /**
   * Whether `x` is a validation error of this library: invalid props or
   * arguments. It recognizes the errors of every copy of the library the app
   * loads (a construct library may bring its own), from this release on.
   * @param x anything caught
   */
  public static isValidationError(x: any): x is MlopsValidationError {
    return isMlopsValidationError(x);
  }

  /**
   * The problems a validation error reports, one per invalid prop or argument,
   * each as `prop: what is wrong`.
   * @param x anything caught
   * @returns the problems, or an empty list when `x` is not a validation error
   */
  public static validationProblems(x: any): string[] {
    return isMlopsValidationError(x) ? [...x.problems] : [];
  }

  private constructor() {}
}
