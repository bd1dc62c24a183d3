/**
 * Writes `mlops-config.schema.json` at the repository root from the pipeline
 * schema in src/config (zod). The build runs it (`npx projen config-schema`,
 * spawned by pre-compile); test/config/json-schema.test.ts fails while the
 * committed file is stale.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { configSchemaText } from '../src/config/json-schema-text';

const target = join(__dirname, '..', 'mlops-config.schema.json');
writeFileSync(target, configSchemaText());
process.stdout.write(`wrote ${target}\n`);
