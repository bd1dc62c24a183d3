/**
 * What one pipeline execution did, step by step, and where it left each
 * environment: what the demo's summary is made of.
 */

/** The steps of an environment the summary has a column for; `Invoke` is the demo's call after sharing. */
export const STAGES = ['Approve', 'Deploy', 'Test', 'Share', 'Invoke', 'Monitor'] as const;
export type StageName = typeof STAGES[number];

/** `not run`: an earlier step of the execution failed, so CodePipeline never started this one. */
export type StepOutcome = 'ok' | 'failed' | 'not run';

export interface StepResult {
  readonly environment: string;
  readonly stage: StageName;
  readonly outcome: StepOutcome;
  readonly message: string;
  readonly elapsedMs: number;
}

/** An environment as the emulator reports it after an execution. */
export interface EnvironmentState {
  readonly environment: string;
  /** A batch environment has no endpoint and shares nothing. */
  readonly batch: boolean;
  /**
   * The config its endpoint serves, or why it serves nothing; for a batch
   * environment, where its latest transform wrote its output.
   */
  readonly serving: string;
  /** When the release record says the current release was shared, if it was (never, for a batch environment). */
  readonly sharedAt?: string;
  readonly sharedConfig?: string;
  /** A drift-detecting environment's schedule: its status and baseline. */
  readonly driftCheck?: string;
}

export interface ReleaseResult {
  /** 1 for the first execution. */
  readonly release: number;
  readonly executionId: string;
  readonly steps: StepResult[];
  readonly environments: EnvironmentState[];
}

/** Whether every step that ran succeeded. */
export function succeeded(result: ReleaseResult): boolean {
  return result.steps.every((s) => s.outcome !== 'failed');
}
