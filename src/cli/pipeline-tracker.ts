import { PipelineStatus } from './api-types';

/** How a provisioned pipeline ended up, as far as `--wait` follows it. */
export interface WaitOutcome {
  readonly result: 'succeeded' | 'failed' | 'approval' | 'timeout';
  readonly message: string;
}

/** Stack states after which the stack is in use as requested. */
const STACK_DONE = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE']);
/** Stack states that mean the request did not take (or the stack is going away). */
const STACK_FAILED = /FAILED|ROLLBACK|^DELETE_/;
/** CodePipeline execution states that end an execution badly. */
const EXECUTION_FAILED = new Set(['Failed', 'Stopped', 'Cancelled']);
/** ByomPipeline names its manual approval stages `Approve-<environment>`. */
const APPROVAL_STAGE = /^Approve-/;
/**
 * An update that changes the stack does not always start an execution (it
 * does when the artifact or image changes, through the source's events). When
 * the stack is done and the latest execution is still the one that ran before
 * the update, the tracker waits this many more polls for a new one before it
 * reports the old one's result.
 */
export const POLLS_FOR_NEW_EXECUTION = 3;

/**
 * Follows one pipeline through `GET /pipelines/{name}` answers: which changes
 * to print (each once), and whether it is done.
 */
export class PipelineTracker {
  private stackStatus?: string;
  private executionId?: string;
  private executionStatus?: string;
  private readonly stages = new Map<string, string>();
  /** The execution seen first after an update: maybe the one from before it. */
  private baselineExecutionId?: string;
  private first = true;
  private pollsSinceStackDone = 0;

  /**
   * @param name the pipeline
   * @param acceptedStatus the `status` of the `202`: `CREATE_IN_PROGRESS`, `UPDATE_IN_PROGRESS` or `UNCHANGED`
   */
  constructor(public readonly name: string, private readonly acceptedStatus: string) {}

  /** The progress lines of this answer: whatever changed since the last one. */
  public observe(status: PipelineStatus): string[] {
    const lines: string[] = [];
    const change = (what: string, before: string | undefined, now: string) => {
      if (before !== now) lines.push(`${this.name}  ${what}  ${before === undefined ? now : `${before} -> ${now}`}`);
    };
    change('stack', this.stackStatus, status.stackStatus);
    this.stackStatus = status.stackStatus;
    const execution = status.pipeline?.latestExecution ?? undefined;
    if (this.first) {
      this.first = false;
      if (this.acceptedStatus === 'UPDATE_IN_PROGRESS') this.baselineExecutionId = execution?.id;
    }
    if (execution) {
      // A new execution starts from no state, not from the last one's.
      change(`execution ${execution.id}`, execution.id === this.executionId ? this.executionStatus : undefined, execution.status);
      this.executionId = execution.id;
      this.executionStatus = execution.status;
    }
    for (const stage of status.pipeline?.stages ?? []) {
      if (!stage.status) continue;
      const before = this.stages.get(stage.name);
      change(stage.name, before, stage.status);
      this.stages.set(stage.name, stage.status);
    }
    return lines;
  }

  /** Whether this answer ends the wait, and how; undefined to keep polling. */
  public assess(status: PipelineStatus): WaitOutcome | undefined {
    const stack = status.stackStatus;
    if (STACK_FAILED.test(stack)) {
      return { result: 'failed', message: `stack ${stack}${status.stackStatusReason ? `: ${status.stackStatusReason}` : ''}` };
    }
    if (!STACK_DONE.has(stack)) return undefined;
    const pipeline = status.pipeline;
    const execution = pipeline?.latestExecution;
    if (!execution) return undefined;
    if (execution.status === 'InProgress') {
      const approval = (pipeline?.stages ?? []).find((s) => APPROVAL_STAGE.test(s.name) && s.status === 'InProgress');
      if (approval) {
        return { result: 'approval', message: `waiting for approval at ${approval.name}${approval.message ? `: ${approval.message}` : ''}` };
      }
    }
    const finished = execution.status === 'Succeeded' || EXECUTION_FAILED.has(execution.status);
    if (!finished) return undefined;
    let note = '';
    if (execution.id === this.baselineExecutionId) {
      this.pollsSinceStackDone += 1;
      if (this.pollsSinceStackDone <= POLLS_FOR_NEW_EXECUTION) return undefined;
      note = ' (no new execution started after the update)';
    }
    if (execution.status === 'Succeeded') {
      return { result: 'succeeded', message: `stack ${stack}, execution ${execution.id} Succeeded${note}` };
    }
    const failedStage = (pipeline?.stages ?? []).find((s) => s.status !== undefined && EXECUTION_FAILED.has(s.status));
    const where = failedStage ? ` at ${failedStage.name}${failedStage.message ? `: ${failedStage.message}` : ''}` : '';
    return { result: 'failed', message: `execution ${execution.id} ${execution.status}${where}${note}` };
  }
}
