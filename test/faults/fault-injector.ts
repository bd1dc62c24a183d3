import { awsError } from '../fixtures/aws-error';

/**
 * What goes wrong at the chosen call:
 * - `throttle`: the service refuses the call (ThrottlingException); nothing happened.
 * - `timeout-after`: the service did the work, but the answer never arrived (TimeoutError).
 * - `crash-after`: the service did the work, then the Lambda ran out of time: nothing
 *   more happens in that invocation, its answer is lost, and Lambda delivers the
 *   same event (same job, same continuation token) again.
 * - `refuse`: the service refuses the call for good (a ValidationException); nothing happened.
 */
export type FaultKind = 'throttle' | 'timeout-after' | 'crash-after' | 'refuse';

/** The faults a retry must absorb. */

export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'timeout-after', 'crash-after'];

/** A short tag per kind, for names of resources made per case. */
export const FAULT_TAG: Record<FaultKind, string> = { 'throttle': 't', 'timeout-after': 'o', 'crash-after': 'c', 'refuse': 'r' };

/** The fault to inject, at the `at`-th AWS call (1-based) across every client it is attached to. */
export interface FaultPlan {
  readonly at: number;
  readonly kind: FaultKind;
}

/** Anything with the SDK v3 middleware stack (every generated client). */
interface Injectable {
  readonly middlewareStack: { add(middleware: any, options: { step: 'initialize'; name: string }): void };
}

const timeoutError = () => Object.assign(new Error('Socket timed out without establishing a connection'), { name: 'TimeoutError' });
const lambdaTimeout = () => Object.assign(new Error('Task timed out'), { name: 'LambdaTimeout' });

/**
 * Counts the AWS calls a handler makes through real (emulator-backed) clients
 * and fails one of them as the plan says. Sits in the `initialize` step, above
 * the SDK's own retries, so the handler sees the fault exactly as planned.
 */
export class FaultInjector {
  /** The command of every call, in order, across all invocations. */
  public readonly calls: string[] = [];
  private crashed = false;

  constructor(private readonly plan?: FaultPlan) {}

  /** Attaches the injector to clients; their calls share one count. */
  public attach(...clients: Injectable[]): this {
    for (const client of clients) {
      const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName: string }) =>
        (args: unknown) => this.intercept(next, args, context.commandName);
      client.middlewareStack.add(middleware, { step: 'initialize', name: 'faultInjector' });
    }
    return this;
  }

  /** True once after an invocation crashed: its outcome never reached CodePipeline. */
  public takeCrash(): boolean {
    const crashed = this.crashed;
    this.crashed = false;
    return crashed;
  }

  /** Whether the planned fault has been injected yet. */
  public get fired(): boolean {
    return this.plan !== undefined && this.calls.length >= this.plan.at;
  }

  private async intercept(next: (args: unknown) => Promise<unknown>, args: unknown, command: string): Promise<unknown> {
    if (this.crashed) {
      // The process is gone: whatever the handler tries next never happens.
      throw lambdaTimeout();
    }
    this.calls.push(command);
    if (this.plan?.at !== this.calls.length) {
      return next(args);
    }
    if (this.plan.kind === 'throttle') {
      throw awsError('ThrottlingException', 'Rate exceeded');
    }
    if (this.plan.kind === 'refuse') {
      throw awsError('ValidationException', `${command} refused for good`);
    }
    // The service does the work; its answer never reaches the handler.
    await next(args);
    if (this.plan.kind === 'timeout-after') {
      throw timeoutError();
    }
    this.crashed = true;
    throw lambdaTimeout();
  }
}

/**
 * Wraps one invocation of a handler so that one that crashed is delivered
 * again with the same event, as Lambda retries an asynchronous invocation
 * (a CodePipeline job) or CloudFormation's caller tries again.
 */
export function redeliverAfterCrash<E, O>(injector: FaultInjector, run: (event: E) => Promise<O>): (event: E) => Promise<O> {
  return async (event) => {
    for (;;) {
      try {
        const outcome = await run(event);
        if (!injector.takeCrash()) {
          return outcome;
        }
      } catch (err) {
        if (!injector.takeCrash()) {
          throw err;
        }
      }
    }
  };
}
