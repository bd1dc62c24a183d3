import { Capability, CreateStackCommand, OnFailure } from '@aws-sdk/client-cloudformation';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { CallCounter, CallCounts } from './call-counter';
import { CONTEXT, Figure, atMost } from './figure';
import { median, repeat, round, timed } from './samples';
import { blueprintStackInput } from '../src/blueprint/blueprint-input';
import { PIPELINE_TAG, REQUEST_HASH_TAG } from '../src/contract/stack-tags';
import { handleApiRequest } from '../src/runtime/provisioning/api-handler';
import { createToken, requestSha256 } from '../src/runtime/provisioning/request-fingerprint';
import type { PipelineRequest } from '../src/runtime/provisioning/request-schema';
import { stackNameFor } from '../src/runtime/provisioning/stack-names';
import { createMotoWorld, MotoWorld, uploadAsset } from '../test/framework/provision/moto-world';
import { apiEvent, churnRequest } from '../test/framework/provision/provision-fixtures';

/** The handler's POST /pipelines takes at most 1.3 times the calls it cannot avoid. */
const MAX_RATIO = 1.3;

/** A three-environment request (blueprint prebuilt-3), like the bench's pipeline stack. */
function request(name: string): PipelineRequest {
  return churnRequest({
    name,
    environments: [
      { name: 'dev' },
      { name: 'staging', serverless: { memorySizeMb: 2048, maxConcurrency: 5 } },
      { name: 'prod', approval: true, instanceCount: 2 },
    ],
  });
}

/** POST /pipelines of a new name through the handler, as API Gateway would call it. */
async function viaHandler(world: MotoWorld, name: string): Promise<void> {
  const response = await handleApiRequest(apiEvent('POST', '/pipelines', request(name)), world.deps);
  if (response.statusCode !== 202) {
    throw new Error(`POST /pipelines ${name} answered ${response.statusCode}: ${response.body}`);
  }
}

/**
 * The calls a create cannot do without, issued directly with the same
 * clients: an existence check of each object the request names (at once,
 * as they are independent), then CreateStack with the same template URL,
 * parameters, role, capabilities and tags. The request is validated and
 * turned into stack input before the clock starts: that work needs no AWS call.
 */
async function bareCalls(world: MotoWorld, name: string): Promise<() => Promise<void>> {
  const validated = world.deps.schema.validatePipelineRequest(request(name));
  if (!validated.ok) throw new Error(`the bench's request is invalid: ${JSON.stringify(validated.problems)}`);
  const input = blueprintStackInput(validated.value, world.deps.settings, world.deps.region);
  const objects = world.deps.referencedObjects(validated.value);
  if (objects.some((object) => object.kind === 'prefix')) throw new Error('the bench\'s request names a prefix: the bare calls check objects only');
  const stackName = stackNameFor(world.deps.settings.stackPrefix, name);
  const hash = requestSha256(validated.value);
  return async () => {
    await Promise.all(objects.map((object) => world.s3.send(new HeadObjectCommand({ Bucket: world.assetsBucket, Key: object.key }))));
    await world.cloudformation.send(new CreateStackCommand({
      StackName: stackName,
      TemplateURL: input.templateUrl,
      Parameters: input.parameters,
      RoleARN: world.deps.settings.cloudFormationRoleArn,
      Capabilities: [Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM],
      OnFailure: OnFailure.DELETE,
      Tags: [{ Key: PIPELINE_TAG, Value: name }, { Key: REQUEST_HASH_TAG, Value: hash }],
      ClientRequestToken: createToken(stackName, hash),
    }));
  };
}

/**
 * The provisioning handler's latency for creating a pipeline, against the
 * bare calls, on one moto server (MOTO_ENDPOINT) with the real blueprints.
 * Handler and bare runs alternate, each with a name never used before, after
 * one unmeasured run of each (connections opened, code paths compiled).
 * Most of either is moto creating the blueprint's resources in CreateStack,
 * so the median difference is recorded too: the handler's own overhead.
 */
export async function measureProvisioning(runs: number): Promise<Figure[]> {
  const world = await createMotoWorld();
  await uploadAsset(world, 'churn/model.tar.gz');
  const counter = new CallCounter(world.s3, world.cloudformation);
  const handlerMs: number[] = [];
  const bareMs: number[] = [];
  let handlerCalls: CallCounts = {};
  let bareCallCounts: CallCounts = {};
  const timeHandler = async (run: number) => {
    const ms = await timed(() => viaHandler(world, `bench-handler-${run}`));
    handlerCalls = counter.take();
    return ms;
  };
  const timeBare = async (run: number) => {
    const bare = await bareCalls(world, `bench-bare-${run}`);
    const ms = await timed(bare);
    bareCallCounts = counter.take();
    return ms;
  };
  await repeat(runs + 1, async (run) => {
    // Each goes first every other run: a call right after another stack's
    // creation may find the emulator still busy with it.
    const [handler, direct] = run % 2 === 0
      ? [await timeHandler(run), await timeBare(run)]
      : [await timeBare(run), await timeHandler(run)].reverse();
    if (run > 0) {
      handlerMs.push(round(handler));
      bareMs.push(round(direct));
    }
  });
  const ratio = round(median(handlerMs) / median(bareMs), 3);
  return [
    { group: 'provisioning', name: 'POST /pipelines (create), handler', value: round(median(handlerMs), 1), unit: 'ms', ...CONTEXT, samples: handlerMs, detail: { calls: handlerCalls } },
    { group: 'provisioning', name: 'HeadObject + CreateStack, bare', value: round(median(bareMs), 1), unit: 'ms', ...CONTEXT, samples: bareMs, detail: { calls: bareCallCounts } },
    {
      group: 'provisioning',
      name: 'handler / bare calls',
      value: ratio,
      unit: 'x',
      ...atMost(MAX_RATIO, ratio),
      detail: { medianDifferenceMs: round(median(handlerMs) - median(bareMs), 1) },
    },
  ];
}
