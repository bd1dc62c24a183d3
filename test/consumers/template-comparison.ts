/**
 * What may differ between the same app synthesized from two languages: asset
 * hashes (each language's package bundles the same assets, at its own paths)
 * and CDK's own metadata (the analytics string names the language). Everything
 * else must be equal.
 */

/** A template with asset hashes and CDK's metadata taken out. */
export function comparableTemplate(template: any): any {
  const copy = JSON.parse(JSON.stringify(template));
  delete copy.Resources?.CDKMetadata;
  delete copy.Conditions?.CDKMetadataAvailable;
  for (const resource of Object.values<any>(copy.Resources ?? {})) {
    delete resource.Metadata;
  }
  if (copy.Conditions && Object.keys(copy.Conditions).length === 0) {
    delete copy.Conditions;
  }
  return JSON.parse(JSON.stringify(copy).replace(/[0-9a-f]{64}/g, '<asset hash>'));
}

/** JSON paths where two values differ, for failure messages that point somewhere. */
export function differences(a: any, b: any, at = '$'): string[] {
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return a === b ? [] : [at];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((key) => differences(a[key], b[key], `${at}.${key}`));
}
