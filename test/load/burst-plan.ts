import type { PipelineRequest } from '../../src/config/pipeline-request';
import { churnRequest } from '../framework/provision/provision-fixtures';

/** One request of the burst: what it asks and of which pipeline. */
export type BurstRequest =
  | { readonly kind: 'post'; readonly name: string; readonly body: PipelineRequest }
  | { readonly kind: 'get'; readonly name: string }
  | { readonly kind: 'list' }
  | { readonly kind: 'delete'; readonly name: string };

/** The artifact a changed request points at; the test uploads it with the usual one. */
export const CHANGED_ARTIFACT = 'churn/model-v2.tar.gz';

/**
 * The body most requests for a name carry, and the changed body a few carry
 * instead. One environment: the smallest blueprint, the cheapest for moto to
 * create and compare, so the burst can be large within the test's time.
 */
export function usualBody(name: string): PipelineRequest {
  return churnRequest({ name, environments: [{ name: 'dev' }] });
}

export function changedBody(name: string): PipelineRequest {
  return churnRequest({ name, environments: [{ name: 'dev' }], artifact: CHANGED_ARTIFACT });
}

export interface BurstPlan {
  readonly requests: BurstRequest[];
  /** Names POSTed to during the burst (never deleted). */
  readonly contested: string[];
  /** Names created before the burst and only read and deleted during it. */
  readonly doomed: string[];
}

/**
 * A reproducible mix (a fixed seed, so a failure can be replayed): POSTs of
 * each contested name, mostly the usual body, now and then the changed one
 * (each of which starts an update, or meets one under way: the expensive
 * part on the emulator, so they are few); reads of one pipeline and of the
 * list; and deletes (each doomed name several times, so deletes race each
 * other and the reads). Every name's requests are spread over the whole burst.
 */
export function burstPlan(options: { total: number; contested: number; doomed: number; changedPerName: number; seed: number }): BurstPlan {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const contested = Array.from({ length: options.contested }, (_, i) => `load-${i}`);
  const doomed = Array.from({ length: options.doomed }, (_, i) => `doomed-${i}`);
  const requests: BurstRequest[] = [];
  for (const name of contested) {
    for (let i = 0; i < options.changedPerName; i++) {
      requests.push({ kind: 'post', name, body: changedBody(name) });
    }
  }
  for (const name of doomed) {
    for (let i = 0; i < 3; i++) {
      requests.push({ kind: 'delete', name });
    }
  }
  while (requests.length < options.total) {
    const roll = random();
    if (roll < 0.45) {
      const name = pick(contested);
      requests.push({ kind: 'post', name, body: usualBody(name) });
    } else if (roll < 0.8) {
      requests.push({ kind: 'get', name: pick([...contested, ...doomed]) });
    } else {
      requests.push({ kind: 'list' });
    }
  }
  return { requests: shuffle(requests, random), contested, doomed };
}

/** Fisher-Yates with the plan's generator. */
function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * A small seeded generator of numbers in [0, 1) (Park and Miller's minimal
 * standard, in plain arithmetic: the products stay below 2^53): the same
 * seed, the same burst.
 */
function seededRandom(seed: number): () => number {
  const modulus = 2147483647;
  let state = (Math.abs(Math.floor(seed)) % (modulus - 1)) + 1;
  return () => {
    state = (state * 48271) % modulus;
    return (state - 1) / (modulus - 1);
  };
}
