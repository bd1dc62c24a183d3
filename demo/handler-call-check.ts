/**
 * DESIGN.md §9 in the demo: every AWS call the real handlers make while the
 * demo runs is recorded with the role of the function that runs it and
 * evaluated, as the test suite does, against that role's policies in the
 * deployed example stacks (iam-simulate, test/aws-contracts/handler-calls/).
 * The demo prints how many calls and authorizations each handler needed and
 * fails if IAM would have refused any.
 */
import { log, table } from './report';
import { ActingRole, actingAs } from '../test/aws-contracts/handler-calls/acting-role';
import { evaluateCall, EvaluatedCall } from '../test/aws-contracts/handler-calls/call-evaluation';
import { HandlerCallLog } from '../test/aws-contracts/handler-calls/handler-call-log';
import { PolicyWorld } from '../test/aws-contracts/handler-calls/policy-world';
import { onSdkCall } from '../test/harness/sdk-calls';

export class HandlerCallCheck {
  private readonly log = new HandlerCallLog();

  constructor() {
    onSdkCall((call) => this.log.record(call));
  }

  /** Runs a handler's step acting as the role of the function (by its ARN in the world) that runs it. */
  public as<T>(handler: string, world: PolicyWorld, roleArn: string, body: () => Promise<T>): Promise<T> {
    const role = world.roleByArn(roleArn);
    if (!role) {
      throw new Error(`The ${handler} function's role ${roleArn} is no role of ${world.name}`);
    }
    const acting: ActingRole = { handler, world, role };
    return actingAs(acting, body);
  }

  /** Evaluates every call recorded, prints what each handler needed, and returns whether IAM allowed them all. */
  public async report(): Promise<boolean> {
    const evaluated: EvaluatedCall[] = [];
    for (const call of this.log.take()) {
      evaluated.push(await evaluateCall(call, this.log, 'the demo'));
    }
    const handlers = [...new Set(evaluated.map((e) => e.handler))].sort();
    console.log('');
    console.log('AWS calls of the handlers, evaluated against the deployed roles\' policies (iam-simulate)');
    table([['handler', 'calls', 'authorizations', 'refused'], ...handlers.map((handler) => {
      const calls = evaluated.filter((e) => e.handler === handler);
      const refusedCalls = calls.filter((e) => e.denied.length > 0).length;
      return [handler, String(calls.length), String(calls.reduce((n, e) => n + e.checked, 0)), String(refusedCalls)];
    })]);
    const refused = evaluated.filter((e) => e.denied.length > 0);
    for (const call of refused) {
      log(`IAM would refuse ${call.call} as ${call.principal} (${call.handler}): ${call.denied.join('; ')}`);
    }
    return evaluated.length > 0 && refused.length === 0;
  }
}
