/** The published schema file's exact text, shared by the script that writes it and the test that checks it is current. */
import { mlopsConfigJsonSchema } from './json-schema';

/** The file name at the repository root. */
export const CONFIG_SCHEMA_FILE = 'mlops-config.schema.json';

/** The schema as the committed file holds it: keys in the order they are built, 2-space indent, a trailing newline. */
export function configSchemaText(): string {
  return `${JSON.stringify(mlopsConfigJsonSchema(), null, 2)}\n`;
}
