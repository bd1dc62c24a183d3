import { AsyncLocalStorage } from 'async_hooks';
import type { PolicyWorld } from './policy-world';
import type { DeployedRole } from '../iam/role-policies';

/**
 * Whom a handler's AWS calls are made as: the role of the function that runs
 * it (its execution role, or the role a shared function acts through), in
 * the world of deployed stacks that role belongs to. Calls signed with
 * credentials a handler got from sts:AssumeRole are the assumed role's
 * instead, found by their access key.
 */
export interface ActingRole {
  /** The handler, for the report: `deploy`, `test`, `share`, `cleanup`, `provision`, ... */
  readonly handler: string;
  readonly world: PolicyWorld;
  readonly role: DeployedRole;
}

let fileRole: (() => ActingRole) | undefined;
/** `observer`: a test or the demo reading state back through product code, as a person would; no handler's call. */
const scopedRole = new AsyncLocalStorage<ActingRole | 'observer'>();

/**
 * Declares, for the test file that calls it, the role its handlers' calls act
 * as. Resolved lazily, on the first call to evaluate, so the world is
 * synthesized only by files that make handler calls.
 */
export function handlerCallsActAs(role: (() => ActingRole) | undefined): void {
  fileRole = role;
}

/** Runs `body` with its handler calls acting as `role` (for files that run several handlers). */
export function actingAs<T>(role: ActingRole, body: () => Promise<T>): Promise<T> {
  return scopedRole.run(role, body);
}

/**
 * Runs `body` as an observer: a test or the demo reading state back through
 * a product function (a release record, say) where a person would read it
 * with their own credentials. Its calls are no handler's and are not checked.
 */
export function asObserver<T>(body: () => Promise<T>): Promise<T> {
  return scopedRole.run('observer', body);
}

/** Whether a call made now is an observer's. */
export function observing(): boolean {
  return scopedRole.getStore() === 'observer';
}

/**
 * The role a call made now acts as, if one is declared, resolved only when
 * asked: at evaluation, where a world that cannot be built fails the test.
 */
export function currentActingRole(): (() => ActingRole) | undefined {
  const scoped = scopedRole.getStore();
  return scoped && scoped !== 'observer' ? () => scoped : fileRole;
}
