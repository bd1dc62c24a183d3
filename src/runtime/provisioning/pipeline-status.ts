import type { Stack } from '@aws-sdk/client-cloudformation';
import {
  CodePipelineClient,
  GetPipelineStateCommand,
  ListPipelineExecutionsCommand,
  StageState,
} from '@aws-sdk/client-codepipeline';
import { DescribeEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { errorName, isNotFound } from '../aws-errors';
import type { StatusClients } from './provisioning-deps';
import { pipelineNameOf } from './stack-names';
import { describeStack, stackOutput } from './stack-state';
import { OUTPUTS } from '../../blueprint/blueprint-parameters';

/** One stage of the pipeline, as its latest execution left it. */
export interface StageView {
  readonly name: string;
  readonly status: string;
  readonly updatedAt?: string;
  readonly message?: string;
}

export interface PipelineView {
  readonly name: string;
  readonly latestExecution: { readonly id: string; readonly status: string } | null;
  readonly stages: StageView[];
}

/** An environment served by an endpoint. */
export interface EndpointEnvironmentView {
  readonly name: string;
  readonly kind: 'endpoint';
  readonly endpointName: string | null;
  readonly endpointStatus: string;
  readonly inferenceUrl: string | null;
}

/**
 * A batch environment: no endpoint and no inference URL; each release's
 * transform writes a folder under `outputUri` (which release wrote last is
 * in the pipeline's Deploy stage, not here).
 */
export interface BatchEnvironmentView {
  readonly name: string;
  readonly kind: 'batch';
  readonly outputUri: string;
}

export type EnvironmentView = EndpointEnvironmentView | BatchEnvironmentView;

/** `GET /pipelines/{name}` and `POST /pipelinestatus`: everything about one pipeline in one object. */
export interface PipelineStatus {
  readonly name: string;
  readonly stackName: string;
  readonly stackId: string;
  readonly stackStatus: string;
  readonly stackStatusReason?: string;
  readonly pipeline: PipelineView | null;
  readonly environments: EnvironmentView[];
  readonly links: { readonly self: string };
}

/** What SageMaker has not (yet) got: the stack made no endpoint, or the first release has not deployed. */
export const ENDPOINT_NOT_CREATED = 'NotCreated';

/** The path of a pipeline in the API. */
export function pipelineLink(name: string): string {
  return `/pipelines/${encodeURIComponent(name)}`;
}

/**
 * Reads a pipeline's stack (by name or ARN; the stack must carry the prefix),
 * its CodePipeline and each environment's endpoint. Undefined when there is
 * no such pipeline. Anything the stack has not created yet reads as absent
 * rather than failing, so a pipeline can be watched while it is created.
 */
export async function pipelineStatus(stackPrefix: string, stackNameOrArn: string, clients: StatusClients): Promise<PipelineStatus | undefined> {
  const stack = await describeStack(clients.cloudformation, stackNameOrArn);
  const name = stack?.StackName ? pipelineNameOf(stackPrefix, stack.StackName) : undefined;
  if (!stack || !name) {
    return undefined;
  }
  const codePipelineName = stackOutput(stack, OUTPUTS.pipeline);
  const [pipeline, environments] = await Promise.all([
    codePipelineName ? pipelineView(clients.codepipeline, codePipelineName) : Promise.resolve(null),
    Promise.all(environmentSlots(stack).map((slot) => environmentView(clients.sagemaker, slot))),
  ]);
  return {
    name,
    stackName: stack.StackName!,
    stackId: stack.StackId ?? stack.StackName!,
    stackStatus: stack.StackStatus ?? 'UNKNOWN',
    ...(stack.StackStatusReason ? { stackStatusReason: stack.StackStatusReason } : {}),
    pipeline,
    environments,
    links: { self: pipelineLink(name) },
  };
}

interface EnvironmentSlot {
  readonly name: string;
  readonly endpointName?: string;
  readonly inferenceUrl?: string;
  /** Set for a batch environment only. */
  readonly outputUri?: string;
}

/**
 * The environments the blueprint's outputs name (see `OUTPUTS`): slot i
 * (1-based) has `Env{i}`, and `Env{i}Endpoint` and `Env{i}InferenceUrl` for
 * an endpoint or `Env{i}OutputUri` for a batch environment, any of which may
 * be missing while the stack is being created.
 */
export function environmentSlots(stack: Stack): EnvironmentSlot[] {
  const slots = new Set<number>();
  for (const output of stack.Outputs ?? []) {
    const slot = /^Env(\d+)(|Endpoint|InferenceUrl|OutputUri)$/.exec(output.OutputKey ?? '')?.[1];
    if (slot) {
      slots.add(Number(slot));
    }
  }
  return [...slots].sort((a, b) => a - b).map((i) => {
    const out = OUTPUTS.environment(i);
    return {
      name: stackOutput(stack, out.name) ?? `environment ${i}`,
      endpointName: stackOutput(stack, out.endpointName),
      inferenceUrl: stackOutput(stack, out.inferenceUrl),
      outputUri: stackOutput(stack, out.batchOutput),
    };
  });
}

async function environmentView(sagemaker: SageMakerClient, slot: EnvironmentSlot): Promise<EnvironmentView> {
  if (slot.outputUri !== undefined) {
    return { name: slot.name, kind: 'batch', outputUri: slot.outputUri };
  }
  const view = { name: slot.name, kind: 'endpoint' as const, endpointName: slot.endpointName ?? null, inferenceUrl: slot.inferenceUrl ?? null };
  if (!slot.endpointName) {
    return { ...view, endpointStatus: ENDPOINT_NOT_CREATED };
  }
  try {
    const endpoint = await sagemaker.send(new DescribeEndpointCommand({ EndpointName: slot.endpointName }));
    return { ...view, endpointStatus: endpoint.EndpointStatus ?? 'Unknown' };
  } catch (err) {
    if (isNotFound(err)) {
      return { ...view, endpointStatus: ENDPOINT_NOT_CREATED };
    }
    throw err;
  }
}

/**
 * The pipeline's latest execution and each stage's state, or null while the
 * pipeline does not exist. The execution is asked for first: it is how a
 * missing pipeline shows, and its state is only worth reading when it exists.
 */
async function pipelineView(codepipeline: CodePipelineClient, name: string): Promise<PipelineView | null> {
  try {
    const executions = await codepipeline.send(new ListPipelineExecutionsCommand({ pipelineName: name, maxResults: 1 }));
    const latest = executions.pipelineExecutionSummaries?.[0];
    const latestExecution = latest?.pipelineExecutionId ? { id: latest.pipelineExecutionId, status: latest.status ?? 'Unknown' } : null;
    const state = await codepipeline.send(new GetPipelineStateCommand({ name }));
    return { name, latestExecution, stages: (state.stageStates ?? []).map(stageView) };
  } catch (err) {
    if (errorName(err) === 'PipelineNotFoundException') {
      return null;
    }
    throw err;
  }
}

/** A stage's latest status, when its actions last changed, and what a failing action said. */
export function stageView(stage: StageState): StageView {
  const actions = stage.actionStates ?? [];
  const changes = actions
    .map((a) => a.latestExecution?.lastStatusChange)
    .filter((d): d is Date => d instanceof Date)
    .sort((a, b) => b.getTime() - a.getTime());
  const failed = actions.find((a) => a.latestExecution?.status === 'Failed');
  const message = failed?.latestExecution?.errorDetails?.message
    ?? failed?.latestExecution?.summary
    ?? actions.map((a) => a.latestExecution?.summary).find((s) => s);
  return {
    name: stage.stageName ?? 'Unknown',
    status: stage.latestExecution?.status ?? 'NotStarted',
    ...(changes[0] ? { updatedAt: changes[0].toISOString() } : {}),
    ...(message ? { message } : {}),
  };
}
