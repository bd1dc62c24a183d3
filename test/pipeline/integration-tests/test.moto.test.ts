import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { BatchGetBuildsCommand, CodeBuildClient, CreateProjectCommand, ListBuildsForProjectCommand } from '@aws-sdk/client-codebuild';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { buildJob, SCALING, testJob } from './tests-fixtures';
import { SCALING_TAG } from '../../../src/contract/scaling-tag';
import { TestSuiteSpec } from '../../../src/contract/test-settings';
import { ActionOutcome } from '../../../src/runtime/codepipeline-job';
import { IntegrationTestClients, runTestJob } from '../../../src/runtime/integration-tests';
import { handlerCallsActAs } from '../../aws-contracts/handler-calls/acting-role';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';
import { CHURN_NAMES, churnTests } from '../../aws-contracts/worlds/churn-world';
import { codeBuildTests } from '../../aws-contracts/worlds/codebuild-tests-world';
import { runActionToCompletion } from '../../fixtures/codepipeline-driver';
import { MotoServer, resetMoto, setDescribesUntilReady, startMotoServer } from '../../harness/moto-server';

// The test function of the churn pipeline, whose dev runs these request tests...
checkHandlerCallsAs(churnTests);

/**
 * Test runs against moto: moto's SageMaker runtime answers InvokeEndpoint
 * with canned bodies, the harness's launcher moves UpdateEndpoint through
 * Updating to InService, runs CodeBuild builds through IN_PROGRESS to the
 * outcome queued for their project, and deregisters scalable targets with
 * their policies as Application Auto Scaling does. This file resets the
 * emulator, so it runs its own server.
 */
let moto: MotoServer;
let clients: IntegrationTestClients;

const OLD = 'churn-dev-rold0000000';
const NEW = 'churn-dev-rnew0000000';
/** The parameter the churn pipeline keeps dev's requests in. */
const REQUESTS = CHURN_NAMES.devTestRequests;
const SUITE: TestSuiteSpec = {
  requests: [{ name: 'score high', body: '{"features":[1,2,3]}', contentType: 'application/json', status: 200, jsonPath: [{ path: '$.predictions[0].score', min: 0.5 }] }],
};

beforeAll(async () => {
  moto = await startMotoServer();
  const config = { endpoint: moto.endpoint, region: 'us-east-1' };
  clients = {
    runtime: new SageMakerRuntimeClient(config),
    sagemaker: new SageMakerClient(config),
    ssm: new SSMClient(config),
    codebuild: new CodeBuildClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
  };
});

afterAll(async () => {
  await moto?.stop();
});

/** Queues the bodies moto's runtime answers with, in order. */
async function cannedResponses(bodies: unknown[]): Promise<void> {
  const response = await fetch(`${moto.endpoint}/moto-api/static/sagemaker/endpoint-results`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'us-east-1', results: bodies.map((b) => ({ Body: JSON.stringify(b), ContentType: 'application/json' })) }),
  });
  expect(response.ok).toBe(true);
}

async function waitInService(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const d = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }));
    if (d.EndpointStatus === 'InService') return;
  }
  throw new Error('endpoint never InService');
}

/** The endpoint served OLD, then a release moved it to NEW: the state a Test stage starts from. */
async function releasedEndpoint(): Promise<void> {
  for (const name of [OLD, NEW]) {
    await clients.sagemaker.send(new CreateModelCommand({
      ModelName: name,
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/churn-dev-sagemaker',
      PrimaryContainer: { Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' },
    }));
    await clients.sagemaker.send(new CreateEndpointConfigCommand({
      EndpointConfigName: name,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: name, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    }));
  }
  await clients.sagemaker.send(new CreateEndpointCommand({ EndpointName: 'churn-dev', EndpointConfigName: OLD }));
  await waitInService();
  await clients.sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'churn-dev', EndpointConfigName: NEW }));
  await waitInService();
  await clients.ssm.send(new PutParameterCommand({ Name: REQUESTS, Type: 'String', Value: JSON.stringify(SUITE) }));
}

const job = (previousConfig = OLD) => testJob({ endpointConfigName: NEW, previousConfig, requestsParameter: REQUESTS });

beforeEach(async () => {
  await resetMoto(moto.endpoint);
  await setDescribesUntilReady(moto.endpoint, 2);
  await releasedEndpoint();
});

test('passing tests: the job succeeds and the endpoint keeps the new release', async () => {
  await cannedResponses([{ predictions: [{ score: 0.9 }] }]);
  const { final } = await runActionToCompletion((j) => runTestJob(j, clients), job());
  expect(final).toEqual({ kind: 'succeeded', message: 'All 1 requests to churn-dev passed' });
  expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: NEW });
});

test('failing tests: the endpoint is rolled back and ends InService on the previous config, through continuations', async () => {
  await cannedResponses([{ predictions: [{ score: 0.2 }] }]);
  const { final, steps } = await runActionToCompletion((j) => runTestJob(j, clients), job());
  expect(steps[0].outcome.message).toBe(`Tests failed; rolling endpoint churn-dev back from ${NEW} to ${OLD}`);
  expect(steps.length).toBeGreaterThanOrEqual(3);
  expect(final).toEqual({
    kind: 'failed',
    message: `Tests of dev failed: 1 of 1 requests failed: request "score high": $.predictions[0].score = 0.2, expected >= 0.5. Rolled back to ${OLD} (endpoint churn-dev)`,
  });
  expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: OLD });
});

test('failing tests on a first release: no rollback, the endpoint keeps the release', async () => {
  await cannedResponses([{ predictions: [] }]);
  const { final } = await runActionToCompletion((j) => runTestJob(j, clients), job('none'));
  expect(final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/\$\.predictions\[0\]\.score not found\. First release of dev: there is no earlier config to roll back to/) });
  expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointConfigName: NEW });
});

describe('CodeBuild tests', () => {
  // ...and of the churn pipeline whose dev runs a CodeBuild suite instead.
  beforeAll(() => handlerCallsActAs(codeBuildTests));
  afterAll(() => handlerCallsActAs(churnTests));

  const PROJECT = 'churn-dev-tests';
  const VARIANT = { ServiceNamespace: 'sagemaker' as const, ResourceId: 'endpoint/churn-dev/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' as const };

  /** The project as the construct makes it: inline spec, no source, logs in its own group. */
  beforeEach(async () => {
    await clients.codebuild.send(new CreateProjectCommand({
      name: PROJECT,
      source: { type: 'NO_SOURCE', buildspec: 'version: 0.2\nphases:\n  build:\n    commands:\n      - pytest' },
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: {
        type: 'ARM_CONTAINER',
        image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0',
        computeType: 'BUILD_GENERAL1_SMALL',
        environmentVariables: [{ name: 'ENDPOINT_NAME', value: 'churn-dev', type: 'PLAINTEXT' }, { name: 'SUITE', value: 'smoke', type: 'PLAINTEXT' }],
      },
      serviceRole: 'arn:aws:iam::123456789012:role/churn-dev-tests',
      logsConfig: { cloudWatchLogs: { status: 'ENABLED', groupName: 'churn-dev-tests-logs' } },
    }));
  });

  const codeBuildJob = (overrides = {}) => buildJob({ endpointConfigName: NEW, previousConfig: OLD, build: { projectName: PROJECT }, ...overrides });

  async function builds(): Promise<string[]> {
    return (await clients.codebuild.send(new ListBuildsForProjectCommand({ projectName: PROJECT }))).ids ?? [];
  }

  /** The next build of the project ends this way. */
  async function failNextBuild(outcome: { status: string; phase?: string; statusCode?: string; message?: string }): Promise<void> {
    const response = await fetch(`${moto.endpoint}/_mlops/codebuild/${PROJECT}/fail-next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(outcome),
    });
    expect(response.ok).toBe(true);
  }

  test('a passing suite: one build with the release\'s variables over the project\'s, followed through continuations, and the release stands', async () => {
    const { final, steps } = await runActionToCompletion((j) => runTestJob(j, clients), codeBuildJob());
    expect(final).toMatchObject({ kind: 'succeeded', message: expect.stringMatching(/^Test build churn-dev-tests:\S+ passed$/) });
    expect(steps.map((s) => s.outcome.kind)).toEqual(['in-progress', 'in-progress', 'succeeded']);
    const ids = await builds();
    expect(ids).toHaveLength(1);
    const [build] = (await clients.codebuild.send(new BatchGetBuildsCommand({ ids }))).builds!;
    expect(build.environment?.environmentVariables).toEqual([
      { name: 'ENDPOINT_NAME', value: 'churn-dev', type: 'PLAINTEXT' },
      { name: 'SUITE', value: 'smoke', type: 'PLAINTEXT' },
      { name: 'ENDPOINT_CONFIG_NAME', value: NEW, type: 'PLAINTEXT' },
      { name: 'PREVIOUS_ENDPOINT_CONFIG_NAME', value: OLD, type: 'PLAINTEXT' },
      { name: 'AWS_REGION', value: 'us-east-1', type: 'PLAINTEXT' },
    ]);
    expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: NEW });
  });

  test('a failing suite: the endpoint is rolled back and ends InService on the previous config; the failure names the phase and links the build', async () => {
    await failNextBuild({ status: 'FAILED', phase: 'BUILD', statusCode: 'COMMAND_EXECUTION_ERROR', message: 'Error while executing command: pytest. Reason: exit status 1' });
    const { final, steps } = await runActionToCompletion((j) => runTestJob(j, clients), codeBuildJob());
    expect(steps.map((s) => s.outcome.message).slice(0, 3)).toEqual([
      expect.stringMatching(/^Started test build /),
      expect.stringMatching(/is in phase QUEUED$/),
      `Tests failed; rolling endpoint churn-dev back from ${NEW} to ${OLD}`,
    ]);
    const [id] = await builds();
    const buildPath = `${PROJECT}/build/${encodeURIComponent(id)}/?region=us-east-1`;
    expect(final).toEqual({
      kind: 'failed',
      message: `Tests of dev failed: test build ${id} FAILED in phase BUILD (COMMAND_EXECUTION_ERROR: Error while executing command: pytest. Reason: exit status 1)`
        + `; console: https://us-east-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/${buildPath}`
        + `; logs: https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/churn-dev-tests-logs/log-events/${id.split(':')[1]}`
        + `. Rolled back to ${OLD} (endpoint churn-dev)`,
    });
    expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: OLD });
  });

  test('a build that times out on a first release fails the job and leaves the endpoint on the release', async () => {
    await failNextBuild({ status: 'TIMED_OUT', phase: 'BUILD', message: 'Build has timed out.' });
    const { final } = await runActionToCompletion((j) => runTestJob(j, clients), codeBuildJob({ previousConfig: 'none' }));
    expect(final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/TIMED_OUT in phase BUILD \(Build has timed out\.\);.*First release of dev/) });
    expect(await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }))).toMatchObject({ EndpointConfigName: NEW });
  });

  test('a retried delivery of the same job watches the build its first delivery started', async () => {
    const first = await runTestJob(codeBuildJob(), clients);
    const again = await runTestJob(codeBuildJob(), clients);
    expect(again).toEqual(first);
    expect(await builds()).toHaveLength(1);
    // Another job (a retried stage) starts a build of its own.
    await runTestJob({ ...codeBuildJob(), id: 'job-2' }, clients);
    expect(await builds()).toHaveLength(2);
  });

  test('an autoscaled environment: out of scaling during the rollback, back in afterwards with its bounds, its policy and the instance count scaling gave it', async () => {
    // What the deploy handler left: the variant registered (tagged with its endpoint), and scaled out to 3 instances.
    const bounds = { MinCapacity: SCALING.autoScaling.minInstances, MaxCapacity: SCALING.autoScaling.maxInstances };
    await clients.autoscaling.send(new RegisterScalableTargetCommand({ ...VARIANT, ...bounds, Tags: { [SCALING_TAG]: 'churn-dev' } }));
    await clients.autoscaling.send(new PutScalingPolicyCommand({
      ...VARIANT,
      PolicyName: 'churn-dev-invocations',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 500, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' } },
    }));
    await clients.sagemaker.send(new UpdateEndpointWeightsAndCapacitiesCommand({ EndpointName: 'churn-dev', DesiredWeightsAndCapacities: [{ VariantName: 'AllTraffic', DesiredInstanceCount: 3 }] }));
    await failNextBuild({ status: 'FAILED', phase: 'BUILD', message: 'pytest failed' });

    const targets = async () => (await clients.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker' }))).ScalableTargets ?? [];
    const policies = async () => (await clients.autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'sagemaker' }))).ScalingPolicies ?? [];
    // Called as CodePipeline calls it, looking at scaling between calls while the rollback runs.
    const registeredWhileRollingBack: number[] = [];
    let continuationToken: string | undefined;
    let final: ActionOutcome | undefined;
    for (let call = 0; call < 25 && !final; call++) {
      const outcome = await runTestJob({ ...codeBuildJob({ scaling: SCALING }), continuationToken }, clients);
      if (outcome.kind !== 'in-progress') {
        final = outcome;
      } else {
        continuationToken = outcome.continuationToken;
        if (JSON.parse(continuationToken).phase === 'rolling-back') {
          registeredWhileRollingBack.push((await targets()).length + (await policies()).length);
        }
      }
    }
    expect(final).toMatchObject({ kind: 'failed', message: expect.stringMatching(/Rolled back to churn-dev-rold0000000 \(endpoint churn-dev\); autoscaling restored \(2-8 instances\)$/) });
    expect(registeredWhileRollingBack.length).toBeGreaterThanOrEqual(2);
    expect(registeredWhileRollingBack.every((n) => n === 0)).toBe(true);
    expect(await targets()).toEqual([expect.objectContaining({ ...VARIANT, ...bounds })]);
    expect((await policies()).map((p) => [p.PolicyName, p.TargetTrackingScalingPolicyConfiguration?.TargetValue])).toEqual([['churn-dev-invocations', 500]]);
    const endpoint = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: 'churn-dev' }));
    expect(endpoint).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: OLD });
    // The previous config was made for 1 instance; the rollback kept the 3 that scaling chose.
    expect(endpoint.ProductionVariants?.[0]).toMatchObject({ VariantName: 'AllTraffic', CurrentInstanceCount: 3 });
  });
});
