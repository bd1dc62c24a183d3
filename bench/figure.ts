/**
 * One measured figure of the bench, as results.json records it and the table
 * prints it. A figure with a goal says whether this run met it; a figure
 * without one (`goal` and `met` null) is context for the figures that have one
 * (e.g. the synth times that the linearity ratio is computed from).
 */
export interface Figure {
  /** The measurement it belongs to (the table prints one section per group). */
  readonly group: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The goal in words, e.g. `<= 1.1`; null for context figures. */
  readonly goal: string | null;
  readonly met: boolean | null;
  /** For timings: every run's value, in `unit`, in the order they ran. */
  readonly samples?: readonly number[];
  /** What else the run found that explains the value (client lists, per-operation counts). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A goal of the form "at most `limit`": `met` is computed from the value, never written by hand. */
export function atMost(limit: number, value: number, words = `<= ${limit}`): Pick<Figure, 'goal' | 'met'> {
  return { goal: words, met: value <= limit };
}

/** A goal of the form "under `limit`" (strictly less). */
export function under(limit: number, value: number, words = `< ${limit}`): Pick<Figure, 'goal' | 'met'> {
  return { goal: words, met: value < limit };
}

/** No goal of its own. */
export const CONTEXT: Pick<Figure, 'goal' | 'met'> = { goal: null, met: null };
