import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { PROJECT_ROOT } from '../../harness/moto-server';

/** The CloudFormation handlers a resource type's registry schema lists permissions for. */
export const HANDLERS = ['create', 'read', 'update', 'delete'] as const;
export type Handler = (typeof HANDLERS)[number];

/** What CloudFormation's handler for a resource type may call, per handler. */
export type HandlerPermissions = { readonly [handler in Handler]: readonly string[] };

let schemaDirectory: string | undefined;

/**
 * The CloudFormation registry schemas as the pinned cfn-lint ships them
 * (test/harness/requirements.txt): `providers/<region>.json` maps each
 * resource type to a file in `resources/`, which holds the type's schema with
 * `handlers.<create|read|update|delete|list>.permissions`.
 */
function schemas(): string {
  if (!schemaDirectory) {
    const lib = path.join(PROJECT_ROOT, '.venv', 'lib');
    const python = readdirSync(lib).find((dir) => dir.startsWith('python'));
    if (!python) {
      throw new Error(`${lib} holds no Python: run \`bash test/harness/python-tools.sh\``);
    }
    schemaDirectory = path.join(lib, python, 'site-packages', 'cfnlint', 'data', 'schemas');
  }
  return schemaDirectory;
}

const providers = new Map<string, Record<string, string>>();

/** The version of the cfn-lint whose schemas are read, for the reports. */
export function cfnLintVersion(): string {
  const source = readFileSync(path.join(schemas(), '..', '..', 'version.py'), 'utf-8');
  return /__version__ = "([^"]+)"/.exec(source)?.[1] ?? 'unknown';
}

/**
 * The handler permissions of `type` in `region`, or undefined for a type the
 * registry has no schema of (Custom:: resources) and for legacy types whose
 * schema lists none (AWS::CodeBuild::Project).
 */
export function handlerPermissions(type: string, region: string): HandlerPermissions | undefined {
  let provider = providers.get(region);
  if (!provider) {
    provider = JSON.parse(readFileSync(path.join(schemas(), 'providers', `${region}.json`), 'utf-8')) as Record<string, string>;
    providers.set(region, provider);
  }
  const file = provider[type];
  if (!file) {
    return undefined;
  }
  const schema = JSON.parse(readFileSync(path.join(schemas(), 'resources', `${file}.json`), 'utf-8'));
  const handlers = schema.handlers as Record<string, { permissions?: string[] }> | undefined;
  if (!handlers) {
    return undefined;
  }
  const permissions = (handler: Handler) => handlers[handler]?.permissions ?? [];
  return { create: permissions('create'), read: permissions('read'), update: permissions('update'), delete: permissions('delete') };
}
