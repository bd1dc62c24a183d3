import { errorMessage, isNotFound } from './aws-errors';

/**
 * Removing what an earlier release left behind: what went, and what could
 * not go now (left for the next release, never failing this one).
 */
export interface Removal {
  readonly removed: string[];
  readonly failed: Array<{ readonly name: string; readonly reason: string }>;
}

/** A release (or other resource) named `name`, made at `created` (epoch ms). */
export interface Dated {
  readonly name: string;
  readonly created: number;
}

/** The names older than the newest `keep` besides `current`: what a clean-up removes. */
export function staleNames(items: readonly Dated[], current: string, keep: number): string[] {
  return items
    .filter((item) => item.name !== current)
    .sort((a, b) => b.created - a.created)
    .slice(keep)
    .map((item) => item.name);
}

/** Removes each name in turn; one already gone counts as removed, any other failure is recorded, never thrown. */
export async function removeEach(names: readonly string[], remove: (name: string) => Promise<unknown>): Promise<Removal> {
  const result = { removed: [] as string[], failed: [] as Array<{ name: string; reason: string }> };
  for (const name of names) {
    try {
      await remove(name);
      result.removed.push(name);
    } catch (err) {
      if (isNotFound(err)) {
        result.removed.push(name);
      } else {
        result.failed.push({ name, reason: errorMessage(err) });
      }
    }
  }
  return result;
}

/** What a step's success message adds about a clean-up: what it removed, and what the next release retries. */
export function removalNotes(removal: Removal, what: string): string[] {
  return [
    removal.removed.length ? `removed ${what} ${removal.removed.join(', ')}` : '',
    ...removal.failed.map((f) => `could not remove ${f.name} (${f.reason}); the next release tries again`),
  ].filter(Boolean);
}
