/**
 * The demo (README command one): synthesizes examples/, prints what each
 * stack holds and what cfn-lint and cdk-nag say about it, sends a model
 * team's provisioning request to the orchestrator, uploads the team's
 * baseline dataset and customer files, then releases the example model twice
 * (the first release creates every endpoint and drift schedule, the second
 * updates them in place; each runs a batch transform) through the
 * synthesized pipeline's stages, running the real deploy (release, output
 * check, Monitor), test and share handlers against a local AWS emulator, and
 * ends with a summary. No AWS account. Exits non-zero when a check or a step fails.
 *
 * DEMO_BROKEN_RELEASE=2 makes the model of release 2 answer wrongly, to show
 * the Test stage rolling dev back and stopping that release.
 */
import { Emulator, withEmulator } from './emulator';
import { LocalPipeline, runRelease } from './flow';
import { HandlerCallCheck } from './handler-call-check';
import { handlerStep } from './handler-steps';
import { LocalStack } from './local-stack';
import { StandInModel } from './model-stand-in';
import { HandlerKind, PipelineAction, pipelineActions } from './pipeline-stages';
import { ProvisioningResult, provisionFromRequest } from './provisioning';
import { ReleaseResult, succeeded } from './release-results';
import { log } from './report';
import { printSummary } from './summary';
import { synthesizeAndCheck } from './synth-check';
import { uploadTeamData } from './team-data';
import { EnvironmentDeploySpec } from '../src/contract/deploy-settings';
import { loadDeploySpec, readDeploySettings } from '../src/runtime/handlers/deploy.lambda';
import { readShareSettings } from '../src/runtime/handlers/share.lambda';
import { PolicyWorld } from '../test/aws-contracts/handler-calls/policy-world';
import { xgboostModelArtifact } from '../test/fixtures/model-artifact';

const RELEASES = [
  { release: 1, title: 'a new model version; each endpoint is created' },
  { release: 2, title: 'another model version; each endpoint is updated in place' },
];

async function main(): Promise<number> {
  const broken = brokenRelease();
  const example = synthesizeAndCheck();
  const local = new LocalStack(example.template, example.stack.stackName);
  const actions = pipelineActions(example.stack, example.template, local);
  const calls = new HandlerCallCheck();

  log('Starting the local AWS emulator (moto) on 127.0.0.1 ...');
  let provisioning: ProvisioningResult | undefined;
  const results = await withEmulator(async (emulator) => {
    provisioning = await provisionFromRequest(example.platform, emulator, calls);
    const created = await local.create(emulator.clients);
    log(`Created what CloudFormation would and the handlers use: ${created.buckets.length} S3 buckets, `
      + `${created.parameters.length} SSM parameters (deploy specs, test requests, release records)`);
    const pipeline = await localPipeline(actions, local, emulator, calls);
    await uploadTeamData(pipeline.specs, emulator.clients.s3);
    const released: ReleaseResult[] = [];
    for (const { release, title } of RELEASES) {
      released.push(await runRelease(pipeline, { release, title, artifact: xgboostModelArtifact(), brokenModel: release === broken }));
    }
    return released;
  });

  printSummary(results);
  const authorized = await calls.report();
  const provisioned = provisioning !== undefined && provisioning.refused && provisioning.accepted && provisioning.stackStatus === 'CREATE_COMPLETE';
  log(provisioned
    ? 'Provisioning: the request with mistakes was refused with every problem and nothing created; the team\'s request became a pipeline stack.'
    : `Provisioning failed: ${JSON.stringify(provisioning)}`);
  const ok = example.clean && provisioned && authorized && results.every(succeeded);
  log(ok ? 'Demo finished: every release passed every stage in every environment.' : 'Demo finished with failures (see above).');
  return ok ? 0 : 1;
}

/**
 * The handlers behind the pipeline's actions and the environments they
 * serve, wired to the emulator, each acting as its function's role.
 */
async function localPipeline(actions: PipelineAction[], local: LocalStack, emulator: Emulator, calls: HandlerCallCheck): Promise<LocalPipeline> {
  const world = new PolicyWorld('the example app', [local.deployed]);
  const handlers = new Map(actions.flatMap((action) => {
    if (action.kind !== 'invoke') return [];
    const step = handlerStep(action.handler, local.functionEnvironment(action.functionId), emulator.clients);
    const role = local.functionRole(action.functionId);
    return [[action.functionId, (job: Parameters<typeof step>[0]) => calls.as(action.handler, world, role, () => step(job))] as const];
  }));
  const functionOf = (kind: HandlerKind) => {
    const action = actions.find((a) => a.kind === 'invoke' && a.handler === kind);
    if (!action || action.kind !== 'invoke') {
      throw new Error(`The example pipeline has no action that invokes its ${kind} function`);
    }
    return action.functionId;
  };
  const model = new StandInModel(emulator.endpoint);
  model.tagRequests(emulator.clients.runtime);
  return {
    actions,
    handlers,
    environments: readShareSettings(local.functionEnvironment(functionOf('share'))).environments,
    // The deploy handler's own reading of its specs, as the deploy function's role.
    specs: await calls.as('deploy', world, local.functionRole(functionOf('deploy')), () => environmentSpecs(local.functionEnvironment(functionOf('deploy')), emulator)),
    clients: emulator.clients,
    model,
  };
}

/** Every environment's deploy spec, in the pipeline's order, read from SSM as the deploy handler reads it. */
async function environmentSpecs(deployEnvironment: Record<string, string>, emulator: Emulator): Promise<{ [name: string]: EnvironmentDeploySpec }> {
  const settings = readDeploySettings(deployEnvironment);
  const specs: { [name: string]: EnvironmentDeploySpec } = {};
  for (const name of Object.keys(settings.environmentParameters)) {
    specs[name] = (await loadDeploySpec(settings, name, emulator.clients.ssm)).environments[name];
  }
  return specs;
}

/** DEMO_BROKEN_RELEASE: the release whose model answers wrongly, if any. */
function brokenRelease(): number | undefined {
  const value = process.env.DEMO_BROKEN_RELEASE;
  if (!value) return undefined;
  const release = Number(value);
  if (!RELEASES.some((r) => r.release === release)) {
    throw new Error(`DEMO_BROKEN_RELEASE must be one of ${RELEASES.map((r) => r.release).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return release;
}

// Any error ends the demo with a non-zero code; withEmulator has stopped the emulator by then.
main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
