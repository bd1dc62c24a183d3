/** Where the built blueprint templates are, relative to the package root (shipped in the npm package). */
export const BLUEPRINT_DIRECTORY = 'assets/blueprints';

/** The file of one shape's blueprint template. */
export function blueprintFileName(shape: string): string {
  return `${shape}.template.json`;
}
