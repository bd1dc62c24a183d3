/* eslint-disable @typescript-eslint/no-explicit-any */
import { randomUUID } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import { ActingRole, handlerCallsActAs } from './acting-role';
import { evaluateCall, EvaluatedCall } from './call-evaluation';
import { HandlerCallLog } from './handler-call-log';
import { HANDLER_CALL_REPORTS_VARIABLE, HandlerCallFileReport, RoleStatement, RoleStatements } from './run-report';
import { onSdkCall } from '../../harness/sdk-calls';
import type { DeployedRole } from '../iam/role-policies';


/**
 * DESIGN.md §9, the permissions a handler needs: records every AWS call the
 * product's code makes in this test file, and after each test evaluates each
 * against the policies of the role it acted as; an unauthorized call fails
 * the test, naming the call and what is missing. Calls made outside a test
 * (beforeAll, afterAll) are evaluated when the file ends.
 */
let installed = false;

/**
 * Declares the role this test file's handler calls act as (see
 * acting-role.ts) and checks them. Call at the top level of the file.
 */
export function checkHandlerCallsAs(role: () => ActingRole): void {
  handlerCallsActAs(role);
  failOnUnauthorizedHandlerCalls();
}

export function failOnUnauthorizedHandlerCalls(): void {
  if (installed) {
    return;
  }
  installed = true;
  const log = new HandlerCallLog();
  onSdkCall((call) => log.record(call));
  const evaluated: EvaluatedCall[] = [];
  const roles = new Map<string, RoleStatement[]>();

  const check = async (where: string) => {
    const results: EvaluatedCall[] = [];
    for (const call of log.take()) {
      const result = await evaluateCall(call, log, where);
      results.push(result);
      const role = result.role;
      if (role) roles.set(`${result.world} ${role.logicalId}`, statementsOf(role));
    }
    evaluated.push(...results);
    const denied = results.filter((r) => r.denied.length > 0);
    if (denied.length > 0) {
      throw new Error(`${denied.length} AWS call(s) the product made in "${where}" would be refused by IAM:\n`
        + denied.map((r) => `${r.call} as ${r.principal} (${r.handler}, world ${r.world}):\n  ${r.denied.join('\n  ')}`).join('\n'));
    }
  };

  afterEach(async () => {
    await check(expect.getState().currentTestName ?? '(a test)');
  });
  afterAll(async () => {
    try {
      await check('beforeAll/afterAll');
    } finally {
      writeReport(evaluated, Object.fromEntries(roles));
    }
  });
}

/** A role's statements as `<policy>#<index>` (iam-simulate's statement indexes start at 1). */
function statementsOf(role: DeployedRole): RoleStatement[] {
  return role.policies.flatMap((policy) => [policy.policy.Statement].flat().map((statement: any, index: number) => ({
    id: `${policy.name}#${index + 1}`,
    actions: [statement.Action ?? statement.NotAction].flat().map(String),
    resources: [statement.Resource ?? statement.NotResource ?? '*'].flat().map((r: unknown) => (typeof r === 'string' ? r : JSON.stringify(r))),
  })));
}

function writeReport(calls: EvaluatedCall[], roles: RoleStatements): void {
  const dir = process.env[HANDLER_CALL_REPORTS_VARIABLE];
  if (!dir || calls.length === 0) {
    return;
  }
  mkdirSync(dir, { recursive: true });
  const file = expect.getState().testPath ?? 'unknown';
  const report: HandlerCallFileReport = { file: path.relative(process.cwd(), file), calls: calls.map(({ role: _role, ...call }) => call), roles };
  writeFileSync(path.join(dir, `${randomUUID()}.json`), JSON.stringify(report));
}
