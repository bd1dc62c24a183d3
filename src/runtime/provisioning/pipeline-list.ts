import { CloudFormationClient, paginateListStacks, StackStatus } from '@aws-sdk/client-cloudformation';
import { pipelineNameOf } from './stack-names';

export interface PipelineSummary {
  readonly name: string;
  readonly stackName: string;
  readonly stackStatus: string;
  readonly updatedAt: string | null;
}

/** Every status but DELETE_COMPLETE: ListStacks keeps deleted stacks for 90 days, and they are not pipelines any more. */
const LIVE_STATUSES = Object.values(StackStatus).filter((s) => s !== StackStatus.DELETE_COMPLETE);

/** `GET /pipelines`: the framework's pipeline stacks (by prefix), every page, sorted by name. */
export async function listPipelines(cloudformation: CloudFormationClient, stackPrefix: string): Promise<PipelineSummary[]> {
  const pipelines: PipelineSummary[] = [];
  for await (const page of paginateListStacks({ client: cloudformation }, { StackStatusFilter: LIVE_STATUSES })) {
    for (const summary of page.StackSummaries ?? []) {
      const name = summary.StackName ? pipelineNameOf(stackPrefix, summary.StackName) : undefined;
      if (!name || summary.StackStatus === StackStatus.DELETE_COMPLETE) {
        continue;
      }
      const updated = summary.LastUpdatedTime ?? summary.CreationTime;
      pipelines.push({
        name,
        stackName: summary.StackName!,
        stackStatus: summary.StackStatus ?? 'UNKNOWN',
        updatedAt: updated ? updated.toISOString() : null,
      });
    }
  }
  return pipelines.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
