import { Duration, Token } from 'aws-cdk-lib';

/**
 * How a later release moves traffic from the serving config to the new one
 * (SageMaker blue/green deployment). The alarms the environment creates roll
 * the endpoint back while traffic moves and during the bake time after it.
 */
export class TrafficShift {
  /**
   * All traffic at once, then a bake time before the old fleet is removed.
   * @param bakeTime how long the old fleet is kept, ready to roll back to; default 5 minutes
   */
  public static allAtOnce(bakeTime?: Duration): TrafficShift {
    return new TrafficShift('ALL_AT_ONCE', undefined, undefined, bakeTime ?? Duration.minutes(5));
  }

  /**
   * A share of the capacity first, the rest after `wait` if no alarm fired.
   * @param percent the canary's share of capacity, 1 to 99
   * @param wait how long the canary runs before the rest follows
   */
  public static canary(percent: number, wait: Duration): TrafficShift {
    return new TrafficShift('CANARY', percent, wait, Duration.minutes(5));
  }

  /**
   * Equal steps of capacity, one every `interval`, while no alarm fires.
   * @param percentPerStep each step's share of capacity, 1 to 99
   * @param interval the time between steps
   */
  public static linear(percentPerStep: number, interval: Duration): TrafficShift {
    return new TrafficShift('LINEAR', percentPerStep, interval, Duration.minutes(5));
  }

  private constructor(
    /** SageMaker's traffic routing type: `ALL_AT_ONCE`, `CANARY` or `LINEAR`. */
    public readonly type: string,
    /**
     * The share of capacity moved per step, for canary and linear.
     * @default - none for all at once
     */
    public readonly stepPercent?: number,
    /**
     * The wait between steps, for canary and linear.
     * @default - none for all at once
     */
    public readonly wait?: Duration,
    /** How long the old fleet is kept after all traffic moved. */
    public readonly bakeTime: Duration = Duration.minutes(5),
  ) {}

  /**
   * The problems with this shift's values, each naming `path`.
   * @internal
   */
  public _problems(path: string): string[] {
    const problems: string[] = [];
    if (this.stepPercent !== undefined && !Token.isUnresolved(this.stepPercent)
      && !(Number.isInteger(this.stepPercent) && this.stepPercent >= 1 && this.stepPercent <= 99)) {
      problems.push(`${path}: the step must be a whole percentage from 1 to 99, got ${this.stepPercent}`);
    }
    // SageMaker waits between steps for 0 to 3600 seconds and bakes for at most 3600.
    if (this.wait && !this.wait.isUnresolved() && this.wait.toSeconds() > 3600) {
      problems.push(`${path}: the wait between steps must be at most 1 hour, got ${this.wait.toHumanString()}`);
    }
    if (!this.bakeTime.isUnresolved() && this.bakeTime.toSeconds() > 3600) {
      problems.push(`${path}: the bake time must be at most 1 hour, got ${this.bakeTime.toHumanString()}`);
    }
    return problems;
  }
}
