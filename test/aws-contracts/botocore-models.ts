import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { PROJECT_ROOT } from '../harness/moto-server';

/* eslint-disable @typescript-eslint/no-explicit-any */

const models = new Map<string, any>();

/**
 * A service's model as botocore (the version pinned through moto in
 * test/harness/requirements.txt) ships it: AWS's machine-readable API
 * definition, the newest API version of the service.
 * @param service botocore's name of the service, e.g. `sagemaker`
 */
export function botocoreModel(service: string): any {
  if (!models.has(service)) {
    const lib = path.join(PROJECT_ROOT, '.venv', 'lib');
    const python = readdirSync(lib).find((dir) => dir.startsWith('python'));
    const serviceDir = path.join(lib, python ?? 'python3', 'site-packages', 'botocore', 'data', service);
    if (!existsSync(serviceDir)) {
      throw new Error(`botocore has no model of ${service} (${serviceDir}); run \`bash test/harness/python-tools.sh\``);
    }
    const version = readdirSync(serviceDir).sort().pop()!;
    const file = path.join(serviceDir, version, 'service-2.json');
    const text = existsSync(file) ? readFileSync(file, 'utf-8') : gunzipSync(readFileSync(`${file}.gz`)).toString('utf-8');
    models.set(service, JSON.parse(text));
  }
  return models.get(service);
}

/** The values of an enum shape of a service's model. */
export function botocoreEnum(service: string, shape: string): string[] {
  const values = botocoreModel(service).shapes[shape]?.enum;
  if (!Array.isArray(values)) {
    throw new Error(`botocore's ${service} model has no enum shape ${shape}`);
  }
  return values;
}
