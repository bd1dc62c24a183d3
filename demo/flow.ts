/**
 * One pipeline execution, run locally in the order CodePipeline runs the
 * synthesized stages: the Source stage picks up the uploaded artifact
 * version; per environment, a manual approval (the demo approves), the real
 * deploy handler, the real test handler with the requests the construct
 * stored in SSM, the real share handler (then the release record it wrote),
 * a call to the endpoint, and for a drift-detecting environment the deploy
 * handler's Monitor step. A batch environment's Deploy step runs a transform
 * job (whose output the demo writes in the model's place, see
 * transform-stand-in.ts) and its Test stage is the deploy handler's output
 * check. A failed step stops the execution, as it stops CodePipeline's:
 * later environments never see the release.
 */
import { randomUUID } from 'crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  DescribeDataQualityJobDefinitionCommand,
  DescribeEndpointCommand,
  DescribeMonitoringScheduleCommand,
  DescribeTransformJobCommand,
  ListTransformJobsCommand,
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { EmulatorClients } from './emulator';
import { HandlerStep } from './handler-steps';
import { StandInModel } from './model-stand-in';
import { PipelineAction } from './pipeline-stages';
import { ExecutionVariables } from './pipeline-variables';
import { EnvironmentState, ReleaseResult, StageName, StepResult } from './release-results';
import { detail, log, step } from './report';
import { writeTransformOutput } from './transform-stand-in';
import type { EnvironmentDeploySpec } from '../src/contract/deploy-settings';
import { monitoringScheduleName } from '../src/contract/monitoring-naming';
import { isReleaseName } from '../src/contract/naming';
import { EnvironmentShareSpec, ShareRecord } from '../src/contract/share-settings';
import { TestSuiteSpec } from '../src/contract/test-settings';
import { isNotFound } from '../src/runtime/aws-errors';
import { CodePipelineJob } from '../src/runtime/codepipeline-job';
import { readRecord } from '../src/runtime/release-share';
import { parseS3Uri } from '../src/runtime/s3-uri';
import { asObserver } from '../test/aws-contracts/handler-calls/acting-role';
import { runActionToCompletion } from '../test/fixtures/codepipeline-driver';

/** Everything an execution needs, set up once for every release. */
export interface LocalPipeline {
  readonly actions: readonly PipelineAction[];
  /** Function logical ID -> its handler's step. */
  readonly handlers: ReadonlyMap<string, HandlerStep>;
  /** The endpoint environments' endpoints and release parameters, from the share handler's settings. */
  readonly environments: { readonly [name: string]: EnvironmentShareSpec };
  /** Every environment's deploy spec, in the pipeline's order, as the construct stored it in SSM. */
  readonly specs: { readonly [name: string]: EnvironmentDeploySpec };
  readonly clients: EmulatorClients;
  readonly model: StandInModel;
}

/** What the demo sends each endpoint once it is shared: a customer midway between the test cases. */
const SAMPLE_REQUEST = { body: '14,70.2,2,12', contentType: 'text/csv', accept: 'application/json' };

export interface ReleaseOptions {
  readonly release: number;
  readonly title: string;
  /** The new version of the model artifact. */
  readonly artifact: Buffer;
  /** Whether the model of this release answers wrongly (to show the Test stage stopping it). */
  readonly brokenModel: boolean;
}

/** Runs one execution, started by uploading a new artifact version. */
export async function runRelease(pipeline: LocalPipeline, options: ReleaseOptions): Promise<ReleaseResult> {
  const execution = new Execution(pipeline, options);
  log(`Release ${options.release}: ${options.title} (pipeline execution ${execution.id})`);
  for (const action of pipeline.actions) {
    await execution.run(action);
  }
  return { release: options.release, executionId: execution.id, steps: execution.steps, environments: await environmentStates(pipeline) };
}

class Execution {
  public readonly id = randomUUID();
  public readonly steps: StepResult[] = [];
  private readonly variables = new ExecutionVariables(this.id);
  private stopped = false;

  constructor(private readonly pipeline: LocalPipeline, private readonly options: ReleaseOptions) {
    // Requests of this execution get answers queued for it (see StandInModel.tagRequests).
    pipeline.model.setTag(this.id);
  }

  public async run(action: PipelineAction): Promise<void> {
    if (action.kind === 'source') {
      await this.source(action);
      return;
    }
    const stage = stageName(action);
    if (this.stopped) {
      this.record(action.environment, stage, 'not run', 'an earlier step failed', 0);
      if (stage === 'Share') this.record(action.environment, 'Invoke', 'not run', 'an earlier step failed', 0);
      return;
    }
    if (action.kind === 'approval') {
      this.approve(action);
      return;
    }
    const outputs = await this.invokeHandler(action, stage);
    if (!outputs) {
      return;
    }
    if (stage === 'Share') {
      await this.invokeEndpoint(action.environment);
    } else if (stage === 'Deploy' && outputs.TransformJobName) {
      await this.standInForTransform(outputs.TransformJobName);
    } else if (stage === 'Monitor') {
      detail(`schedule ${outputs.ScheduleName}, baseline job ${outputs.BaselineJobName} (the action's output variables)`);
      detail('the emulator completes a processing job at once and never runs a schedule: in AWS the baseline job takes minutes, '
        + 'and every hour a monitoring job compares the captured traffic with the baseline');
    }
  }

  /** The Source stage: a new version of the artifact is what starts an execution. */
  private async source(action: Extract<PipelineAction, { kind: 'source' }>): Promise<void> {
    const upload = await this.pipeline.clients.s3.send(new PutObjectCommand({ Bucket: action.bucket, Key: action.key, Body: this.options.artifact }));
    if (!upload.VersionId) {
      throw new Error(`Bucket ${action.bucket} gave no version ID: the pipeline's source bucket must be versioned`);
    }
    if (action.namespace) {
      this.variables.set(action.namespace, { VersionId: upload.VersionId, ETag: upload.ETag ?? '', BucketName: action.bucket, ObjectKey: action.key });
    }
    log(`Source: uploaded s3://${action.bucket}/${action.key} (version ${upload.VersionId}); a new version starts the pipeline`);
  }

  private approve(action: Extract<PipelineAction, { kind: 'approval' }>): void {
    step(action.environment, 'Approve', '...', `waiting for approval: "${action.message}"`);
    detail('in AWS the topic emails the approvers and a person approves in the console; the demo approves');
    this.record(action.environment, 'Approve', 'ok', 'approved by the demo', 0);
  }

  /**
   * One Lambda invoke action, called again with its continuation token until it settles.
   * @returns its output variables once it succeeded, else undefined
   */
  private async invokeHandler(action: Extract<PipelineAction, { kind: 'invoke' }>, stage: StageName): Promise<Record<string, string> | undefined> {
    const started = Date.now();
    try {
      const job: CodePipelineJob = { id: `${this.id}-${action.stage}`, userParameters: JSON.parse(this.variables.substitute(action.userParameters)) };
      step(action.environment, stage, '...', `${action.stage}: CodePipeline invokes the ${action.handler} handler`);
      if (action.handler === 'test') {
        await this.prepareModelAnswers(job);
      }
      const { final } = await runActionToCompletion(this.pipeline.handlers.get(action.functionId)!, job, {
        onStep: ({ call, outcome }) => {
          if (outcome.kind === 'in-progress') detail(`call ${call}: ${outcome.message}`);
        },
      });
      if (final.kind !== 'succeeded') {
        this.record(action.environment, stage, 'failed', final.message, Date.now() - started);
        return undefined;
      }
      if (action.namespace && final.outputVariables) {
        this.variables.set(action.namespace, final.outputVariables);
      }
      const shared = action.handler === 'share' ? await this.releaseRecord(final.outputVariables?.ReleaseParameter) : undefined;
      this.record(action.environment, stage, 'ok', final.message, Date.now() - started);
      if (shared) {
        detail(`release record in SSM parameter ${shared.parameter}:`);
        detail(`  ${JSON.stringify(shared.record)}`);
      }
      return final.outputVariables ?? {};
    } catch (err) {
      this.record(action.environment, stage, 'failed', `${(err as Error).message}`, Date.now() - started);
      return undefined;
    }
  }

  /**
   * The model's part of a batch Deploy step: moto completed the transform job
   * without running anything, so the demo writes the output the model would have.
   */
  private async standInForTransform(jobName: string): Promise<void> {
    detail(`the emulator cannot run the model: it completed transform job ${jobName} at once and wrote no output,`);
    detail('so the demo writes what the stand-in model would have, from the job\'s input and Accept (DescribeTransformJob):');
    for (const written of await writeTransformOutput(jobName, this.pipeline.clients, this.options.brokenModel)) {
      detail(`  ${written.input} -> ${written.output}: ${written.lines.join(' ')}`);
    }
  }

  /**
   * Reads the environment's requests from the SSM parameter the job names,
   * where the construct stored them and the test handler reads them, and
   * queues the stand-in model's answers to them.
   */
  private async prepareModelAnswers(job: CodePipelineJob): Promise<void> {
    const parameter = job.userParameters.requestsParameter;
    if (typeof parameter !== 'string') {
      throw new Error('The demo runs request tests only: a CodeBuild test suite needs a build service the emulator does not have');
    }
    const found = await this.pipeline.clients.ssm.send(new GetParameterCommand({ Name: parameter }));
    const suite = JSON.parse(found.Parameter?.Value ?? '') as TestSuiteSpec;
    const answers = await this.pipeline.model.willReceive(suite.requests, this.options.brokenModel);
    detail(`${suite.requests.length} requests from SSM parameter ${parameter}; the stand-in model will answer:`);
    suite.requests.forEach((request, i) => detail(`  "${request.name}" ${request.body} -> ${answers[i].body}`));
  }

  /** The record the share handler wrote, read back from SSM. */
  private async releaseRecord(parameter: string | undefined): Promise<{ parameter: string; record: ShareRecord }> {
    if (!parameter) {
      throw new Error('The share handler did not name its release parameter (output variable ReleaseParameter)');
    }
    // Read back as an operator would, with their own credentials: no handler's call.
    return { parameter, record: await asObserver(() => readRecord(this.pipeline.clients.ssm, parameter)) };
  }

  /** The demo's own step: once shared, the endpoint answers a request. */
  private async invokeEndpoint(environment: string): Promise<void> {
    const endpointName = this.pipeline.environments[environment].endpointName;
    const started = Date.now();
    try {
      const [expected] = await this.pipeline.model.willReceive([SAMPLE_REQUEST], this.options.brokenModel);
      const answer = await this.pipeline.clients.runtime.send(new InvokeEndpointCommand({
        EndpointName: endpointName,
        Body: Buffer.from(SAMPLE_REQUEST.body),
        ContentType: SAMPLE_REQUEST.contentType,
        Accept: SAMPLE_REQUEST.accept,
      }));
      const body = Buffer.from(answer.Body ?? []).toString();
      if (body !== expected.body) {
        // Every other answer would be out of step too: the test results could not be trusted.
        throw new Error(`the emulator answered ${body}, not the stand-in model's ${expected.body}: its queue of answers is out of step with the requests`);
      }
      this.record(environment, 'Invoke', 'ok', `${endpointName} answered ${SAMPLE_REQUEST.body} with HTTP ${answer.$metadata.httpStatusCode} ${body}`, Date.now() - started);
    } catch (err) {
      this.record(environment, 'Invoke', 'failed', `${endpointName}: ${(err as Error).message}`, Date.now() - started);
    }
  }

  /** Records a step and prints its line; a failure stops the execution. @returns whether it succeeded */
  private record(environment: string, stage: StageName, outcome: StepResult['outcome'], message: string, elapsedMs: number): boolean {
    this.steps.push({ environment, stage, outcome, message, elapsedMs });
    if (outcome === 'failed') {
      this.stopped = true;
    }
    if (outcome !== 'not run') {
      step(environment, stage, outcome === 'ok' ? 'ok' : 'FAILED', message, elapsedMs);
    }
    return outcome === 'ok';
  }
}

/** `Deploy-dev` -> `Deploy`. */
function stageName(action: Exclude<PipelineAction, { kind: 'source' }>): StageName {
  const name = action.stage.slice(0, action.stage.indexOf('-'));
  if (!['Approve', 'Deploy', 'Test', 'Share', 'Monitor'].includes(name)) {
    throw new Error(`Stage ${action.stage} is not an Approve, Deploy, Test, Share or Monitor stage of an environment`);
  }
  return name as StageName;
}

/** Where the execution left each environment, as the emulator reports it. */
async function environmentStates(pipeline: LocalPipeline): Promise<EnvironmentState[]> {
  return Promise.all(Object.entries(pipeline.specs).map(async ([environment, spec]) => {
    const driftCheck = spec.monitoring ? await driftSchedule(pipeline, monitoringScheduleName(spec.monitoring.namePrefix)) : undefined;
    const share = pipeline.environments[environment];
    if (!share) {
      // A batch environment: no endpoint, nothing shared.
      return { environment, batch: true, serving: await batchOutput(pipeline, spec.releasePrefix), driftCheck };
    }
    const record = await asObserver(() => readRecord(pipeline.clients.ssm, share.parameterName));
    return {
      environment,
      batch: false,
      serving: await serving(pipeline, share.endpointName),
      sharedAt: record.shared ? record.sharedAt : undefined,
      sharedConfig: record.shared ? record.endpointConfigName : undefined,
      driftCheck,
    };
  }));
}

async function serving(pipeline: LocalPipeline, endpointName: string): Promise<string> {
  try {
    const endpoint = await pipeline.clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    return endpoint.EndpointStatus === 'InService' ? endpoint.EndpointConfigName ?? '?' : `${endpoint.EndpointStatus} (${endpoint.EndpointConfigName})`;
  } catch (err) {
    if (isNotFound(err)) return 'no endpoint yet';
    throw err;
  }
}

/** A batch environment's latest transform job (releases name theirs `<releasePrefix>-<release id>`) and what its output folder holds. */
async function batchOutput(pipeline: LocalPipeline, releasePrefix: string): Promise<string> {
  const { sagemaker, s3 } = pipeline.clients;
  const listed = await sagemaker.send(new ListTransformJobsCommand({ NameContains: `${releasePrefix}-`, MaxResults: 100 }));
  const [latest] = (listed.TransformJobSummaries ?? [])
    .filter((j) => j.TransformJobName && isReleaseName(releasePrefix, j.TransformJobName))
    .sort((a, b) => (b.CreationTime?.getTime() ?? 0) - (a.CreationTime?.getTime() ?? 0));
  if (!latest?.TransformJobName) return 'batch: no transform yet';
  const job = await sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: latest.TransformJobName }));
  if (job.TransformJobStatus !== 'Completed') return `batch: transform ${job.TransformJobName} ${job.TransformJobStatus}`;
  const outputUri = job.TransformOutput?.S3OutputPath ?? '?';
  const { bucket, key } = parseS3Uri(outputUri);
  const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
  return `batch: output in ${outputUri} (${objects.KeyCount ?? 0} objects)`;
}

/** The environment's data-quality schedule: its status and the baseline job whose statistics it checks against. */
async function driftSchedule(pipeline: LocalPipeline, scheduleName: string): Promise<string> {
  const { sagemaker } = pipeline.clients;
  try {
    const schedule = await sagemaker.send(new DescribeMonitoringScheduleCommand({ MonitoringScheduleName: scheduleName }));
    const definition = await sagemaker.send(new DescribeDataQualityJobDefinitionCommand({
      JobDefinitionName: schedule.MonitoringScheduleConfig?.MonitoringJobDefinitionName,
    }));
    // Baselines are written to `<output prefix>baselines/<baseline job>/statistics.json`.
    const statistics = definition.DataQualityBaselineConfig?.StatisticsResource?.S3Uri ?? '';
    const folders = statistics.split('/');
    const baselineJob = folders[folders.length - 2] ?? '?';
    return `${schedule.MonitoringScheduleStatus}, baseline ${baselineJob}`;
  } catch (err) {
    if (isNotFound(err)) return 'no schedule yet';
    throw err;
  }
}
