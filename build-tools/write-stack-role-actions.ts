/**
 * Writes src/framework/stack-role-actions.ts: the actions the framework's
 * CloudFormation stack role needs for the blueprints, from the registry
 * schemas the pinned cfn-lint ships (needs .venv and the built blueprints:
 * `npx projen blueprints`). Run after a blueprint gains a resource type:
 *   npx projen stack-role-actions
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { blueprintPermissionChecks, STACK_ROLE_ACTIONS_FILE, stackRoleActionsText } from '../test/aws-contracts/deployment/stack-role-actions-text';

async function main(): Promise<void> {
  const checks = await blueprintPermissionChecks();
  const target = join(__dirname, '..', STACK_ROLE_ACTIONS_FILE);
  writeFileSync(target, stackRoleActionsText(checks.values()));
  process.stdout.write(`wrote ${target}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
