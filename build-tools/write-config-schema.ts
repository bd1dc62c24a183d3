/**
 * Writes `mlops-config.schema.json` at the repository root from the request
 * schema in src/config. Run after changing the schema:
 *   npx ts-node build-tools/write-config-schema.ts
 * test/config/json-schema.test.ts fails while the committed file is stale.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { configSchemaText } from '../src/config/json-schema-text';

const target = join(__dirname, '..', 'mlops-config.schema.json');
writeFileSync(target, configSchemaText());
process.stdout.write(`wrote ${target}\n`);
