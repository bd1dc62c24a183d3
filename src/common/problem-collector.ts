import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MlopsValidationError } from './errors';

/**
 * Collects problems so a constructor can report all of them at once.
 * Every check skips values that are unresolved tokens: they are only known at deploy time.
 */
export class ProblemCollector {
  private readonly problems: string[] = [];

  constructor(private readonly construct: string) {}

  /** Records a problem with the prop at `path`. */
  public add(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  /** Records a problem when `ok` is false. */
  public check(ok: boolean, path: string, message: string): void {
    if (!ok) {
      this.add(path, message);
    }
  }

  /** Checks a concrete string against a pattern; tokens pass. */
  public matches(value: string | undefined, pattern: RegExp, path: string, rule: string): void {
    if (value === undefined || Token.isUnresolved(value)) {
      return;
    }
    this.check(pattern.test(value), path, `${JSON.stringify(value)} ${rule}`);
  }

  /** Checks a concrete whole number within [min, max]; tokens pass. */
  public integerInRange(value: number | undefined, min: number, max: number, path: string): void {
    if (value === undefined || Token.isUnresolved(value)) {
      return;
    }
    this.check(Number.isInteger(value) && value >= min && value <= max, path, `must be a whole number from ${min} to ${max}, got ${value}`);
  }

  /**
   * Throws one {@link MlopsValidationError} listing everything recorded.
   * Given the construct whose props these are, it first takes it out of its
   * scope: a caller that catches the error is left with no half-built
   * construct in its tree, and may use the same id again.
   */
  public throwIfAny(unbuilt?: Construct): void {
    if (this.problems.length > 0) {
      unbuilt?.node.scope?.node.tryRemoveChild(unbuilt.node.id);
      throw new MlopsValidationError(this.construct, this.problems);
    }
  }
}
