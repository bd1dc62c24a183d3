import { CreateChangeSetCommand, DescribeStacksCommand, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand } from '@aws-sdk/client-sagemaker';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { blueprintTemplate, createMotoWorld, inferenceUrlOf, MotoWorld, stackResources, uploadAsset, worldSnapshot } from './moto-world';
import { apiEvent, bodyOf, churnRequest, v1Body } from './provision-fixtures';
import { REQUEST_HASH_TAG } from '../../../src/contract/stack-tags';
import { endpointNameFor } from '../../../src/contract/naming';
import { handleApiRequest } from '../../../src/runtime/provisioning/api-handler';
import { requestSha256 } from '../../../src/runtime/provisioning/request-fingerprint';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';

// The provisioning API's function, acting as its role in the framework these names are deployed with.
checkHandlerCallsAs(() => world.framework.provision());

/**
 * The provisioning API against moto: real CloudFormation call sequences
 * (the real blueprint templates read from S3, parameters, tags, updates,
 * deletes) and real S3 existence checks. The blueprint's pipeline itself
 * (AWS::CodePipeline::Pipeline) is one of the types moto's CloudFormation
 * does not create, so every pipeline here reads `pipeline: null`.
 */
let world: MotoWorld;
let ssm: SSMClient;

beforeAll(async () => {
  world = await createMotoWorld();
  ssm = new SSMClient({ endpoint: process.env.MOTO_ENDPOINT, region: 'us-east-1' });
  await uploadAsset(world, 'churn/model.tar.gz');
  await uploadAsset(world, 'legacy/model.tar.gz');
});

afterAll(() => ssm?.destroy());

function call(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  return handleApiRequest(apiEvent(method, path, body, headers), world.deps);
}

async function stackOf(name: string) {
  return (await world.cloudformation.send(new DescribeStacksCommand({ StackName: `${world.stackPrefix}${name}` }))).Stacks![0];
}

function parameter(stack: { Parameters?: { ParameterKey?: string; ParameterValue?: string }[] }, key: string): string | undefined {
  return stack.Parameters?.find((p) => p.ParameterKey === key)?.ParameterValue;
}

describe('POST /pipelines', () => {
  test('creates the stack from the blueprint with the request\'s parameters and tags', async () => {
    const request = churnRequest({ name: 'create-one' });
    const result = await call('POST', '/pipelines', request);

    expect(result.statusCode).toBe(202);
    expect(result.headers).toMatchObject({ 'content-type': 'application/json' });
    const stack = await stackOf('create-one');
    expect(bodyOf(result)).toEqual({ name: 'create-one', stackId: stack.StackId, status: 'CREATE_IN_PROGRESS', links: { self: '/pipelines/create-one' } });
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    expect(parameter(stack, 'ArtifactKey')).toBe('churn/model.tar.gz');
    expect(parameter(stack, 'Env2Name')).toBe('prod');
    expect(parameter(stack, 'Env2Approval')).toBe('true');
    expect(stack.Tags).toEqual(expect.arrayContaining([
      { Key: 'mlops:pipeline', Value: 'create-one' },
      { Key: REQUEST_HASH_TAG, Value: requestSha256(request) },
    ]));
  });

  test('updates a stable stack when the request changed', async () => {
    await call('POST', '/pipelines', churnRequest({ name: 'update-one' }));
    const before = await stackOf('update-one');
    await uploadAsset(world, 'churn/model-v2.tar.gz');

    const changed = churnRequest({ name: 'update-one', artifact: 'churn/model-v2.tar.gz' });
    const result = await call('POST', '/pipelines', changed);

    expect(result.statusCode).toBe(202);
    expect(bodyOf(result)).toEqual({ name: 'update-one', stackId: before.StackId, status: 'UPDATE_IN_PROGRESS', links: { self: '/pipelines/update-one' } });
    const after = await stackOf('update-one');
    expect(after.StackId).toBe(before.StackId);
    expect(parameter(after, 'ArtifactKey')).toBe('churn/model-v2.tar.gz');
    expect(after.Tags).toContainEqual({ Key: REQUEST_HASH_TAG, Value: requestSha256(changed) });
  });

  test('the same request again is UNCHANGED and changes nothing', async () => {
    const request = churnRequest({ name: 'same-twice' });
    const first = await call('POST', '/pipelines', request);
    const before = await worldSnapshot(world);

    // Key order does not make a different request.
    const reordered = { environments: request.environments, image: request.image, artifact: request.artifact, name: request.name };
    const second = await call('POST', '/pipelines', reordered);

    expect(second.statusCode).toBe(202);
    expect(bodyOf(second)).toEqual({ ...bodyOf(first), status: 'UNCHANGED' });
    expect(await worldSnapshot(world)).toEqual(before);
  });

  test('a stack CloudFormation is still working on is a 409, and stays as it was', async () => {
    // A change set that was never executed leaves the stack REVIEW_IN_PROGRESS: moto's observable busy state.
    const { StackId } = await world.cloudformation.send(new CreateChangeSetCommand({
      StackName: `${world.stackPrefix}busy`,
      ChangeSetName: 'pending',
      ChangeSetType: 'CREATE',
      TemplateBody: JSON.stringify({ Resources: { P: { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } } } }),
    }));
    const before = await worldSnapshot(world);

    const result = await call('POST', '/pipelines', churnRequest({ name: 'busy' }));

    expect(result.statusCode).toBe(409);
    expect(bodyOf(result)).toEqual({
      name: 'busy',
      stackName: `${world.stackPrefix}busy`,
      stackId: StackId,
      stackStatus: 'REVIEW_IN_PROGRESS',
      message: expect.stringContaining('another change is under way'),
    });
    expect(await worldSnapshot(world)).toEqual(before);
  });
});

describe('GET /pipelines/{name}', () => {
  test('reads the stack outputs: no CodePipeline yet, endpoints not created', async () => {
    await call('POST', '/pipelines', churnRequest({ name: 'get-one' }));
    const stack = await stackOf('get-one');
    const devUrl = await inferenceUrlOf(world, stack.StackId!, endpointNameFor('get-one', 'dev'));
    const prodUrl = await inferenceUrlOf(world, stack.StackId!, endpointNameFor('get-one', 'prod'));

    const result = await call('GET', '/pipelines/get-one');

    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({
      name: 'get-one',
      stackName: `${world.stackPrefix}get-one`,
      stackId: stack.StackId,
      stackStatus: 'CREATE_COMPLETE',
      pipeline: null,
      environments: [
        { name: 'dev', kind: 'endpoint', endpointName: endpointNameFor('get-one', 'dev'), endpointStatus: 'NotCreated', inferenceUrl: devUrl },
        { name: 'prod', kind: 'endpoint', endpointName: endpointNameFor('get-one', 'prod'), endpointStatus: 'NotCreated', inferenceUrl: prodUrl },
      ],
      links: { self: '/pipelines/get-one' },
    });
  });

  test('reports the status SageMaker gives an environment\'s endpoint', async () => {
    await call('POST', '/pipelines', churnRequest({ name: 'get-endpoint' }));
    const endpointName = endpointNameFor('get-endpoint', 'dev');
    await world.sagemaker.send(new CreateModelCommand({
      ModelName: `${endpointName}-r1`,
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker',
      PrimaryContainer: { Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' },
    }));
    await world.sagemaker.send(new CreateEndpointConfigCommand({
      EndpointConfigName: `${endpointName}-r1`,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: `${endpointName}-r1`, InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    }));
    await world.sagemaker.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: `${endpointName}-r1` }));

    // moto's endpoints report Creating on the first describe(s), then InService.
    const statuses: string[] = [];
    for (let i = 0; i < 5 && statuses[statuses.length - 1] !== 'InService'; i++) {
      const body = bodyOf(await call('GET', '/pipelines/get-endpoint'));
      statuses.push(body.environments[0].endpointStatus);
      expect(body.environments[1].endpointStatus).toBe('NotCreated');
    }
    expect(statuses[0]).toMatch(/^(Creating|InService)$/);
    expect(statuses[statuses.length - 1]).toBe('InService');
  });

  test('an unknown pipeline is a 404', async () => {
    const result = await call('GET', '/pipelines/never-made');
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result).message).toBe('No pipeline "never-made"');
  });
});

describe('GET /pipelines', () => {
  test('lists the framework\'s live stacks only, sorted by name', async () => {
    await call('POST', '/pipelines', churnRequest({ name: 'list-b' }));
    await call('POST', '/pipelines', churnRequest({ name: 'list-a' }));
    await call('POST', '/pipelines', churnRequest({ name: 'list-gone' }));
    await call('DELETE', '/pipelines/list-gone');

    const result = await call('GET', '/pipelines');

    expect(result.statusCode).toBe(200);
    const pipelines = bodyOf(result).pipelines as any[];
    const names = pipelines.map((p) => p.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['list-a', 'list-b']));
    expect(names).not.toContain('list-gone');
    expect(pipelines.find((p) => p.name === 'list-a')).toEqual({
      name: 'list-a',
      stackName: `${world.stackPrefix}list-a`,
      stackStatus: 'CREATE_COMPLETE',
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
    });
    // Stacks of other test runs share this moto server: none of theirs is listed.
    expect(pipelines.every((p) => p.stackName.startsWith(world.stackPrefix))).toBe(true);
  });
});

describe('DELETE /pipelines/{name}', () => {
  test('deletes the stack; the pipeline is then gone', async () => {
    await call('POST', '/pipelines', churnRequest({ name: 'delete-one' }));
    const stack = await stackOf('delete-one');

    const result = await call('DELETE', '/pipelines/delete-one');

    expect(result.statusCode).toBe(202);
    expect(bodyOf(result)).toEqual({ name: 'delete-one', stackId: stack.StackId, status: 'DELETE_IN_PROGRESS' });
    const deleted = (await world.cloudformation.send(new DescribeStacksCommand({ StackName: stack.StackId }))).Stacks![0];
    expect(deleted.StackStatus).toBe('DELETE_COMPLETE');
    expect((await call('GET', '/pipelines/delete-one')).statusCode).toBe(404);
    expect((await call('DELETE', '/pipelines/delete-one')).statusCode).toBe(404);
  });

  test('a pipeline can be created again after it was deleted', async () => {
    await call('POST', '/pipelines', churnRequest({ name: 'recreate' }));
    const first = await stackOf('recreate');
    await call('DELETE', '/pipelines/recreate');

    const result = await call('POST', '/pipelines', churnRequest({ name: 'recreate' }));

    expect(result.statusCode).toBe(202);
    expect(bodyOf(result).status).toBe('CREATE_IN_PROGRESS');
    expect(bodyOf(result).stackId).not.toBe(first.StackId);
  });
});

describe('v1.0 routes', () => {
  test('POST /provisionpipeline creates the pipeline and answers with the v1 fields too', async () => {
    const result = await call('POST', '/provisionpipeline', v1Body());

    expect(result.statusCode).toBe(202);
    const stack = await stackOf('legacy');
    expect(bodyOf(result)).toEqual({
      message: 'success: stack creation started',
      pipeline_id: stack.StackId,
      name: 'legacy',
      stackId: stack.StackId,
      status: 'CREATE_IN_PROGRESS',
      links: { self: '/pipelines/legacy' },
    });
    expect(parameter(stack, 'Env1Name')).toBe('default');
    expect(parameter(stack, 'Env1Variant')).toContain('"instanceType":"ml.m5.large"');
  });

  test('POST /provisionpipeline of a batch pipeline creates it from the batch blueprint: one batch environment on the v1 input', async () => {
    await uploadAsset(world, 'legacy-batch/input/part-1.csv', '5.1,3.5,1.4,0.2\n');

    const result = await call('POST', '/provisionpipeline', v1Body({
      model_name: 'legacy-batch',
      inference_type: 'batch',
      inference_instance: 'ml.c5.xlarge',
      batch_inference_data: 'legacy-batch/input/',
    }));

    expect(result.statusCode).toBe(202);
    const stack = await stackOf('legacy-batch');
    expect(bodyOf(result)).toMatchObject({ pipeline_id: stack.StackId, name: 'legacy-batch', status: 'CREATE_IN_PROGRESS' });
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const template = (await world.cloudformation.send(new GetTemplateCommand({ StackName: stack.StackId }))).TemplateBody!;
    expect(JSON.parse(template)).toEqual(JSON.parse(blueprintTemplate('prebuilt-1-batch')));
    expect(parameter(stack, 'Env1Name')).toBe('default');
    expect(parameter(stack, 'Env1Variant')).toBe('"instanceType":"ml.c5.xlarge","initialInstanceCount":1');
    expect(parameter(stack, 'Env1BatchInput')).toBe('legacy-batch/input/');
    expect(parameter(stack, 'Env1BatchOutput')).toBe('batch-output/legacy-batch/');
    expect(JSON.parse(parameter(stack, 'Env1Batch')!)).toEqual({
      inputS3Uri: `s3://${world.assetsBucket}/legacy-batch/input/`,
      outputS3Uri: `s3://${world.assetsBucket}/batch-output/legacy-batch/`,
      contentType: 'text/csv',
      splitType: 'Line',
      check: { minObjects: 1 },
    });
    // The deploy spec CloudFormation wrote: the transform on the environment's instances.
    const specs = await Promise.all((await stackResources(world, stack.StackId!))
      .filter((r) => r.ResourceType === 'AWS::SSM::Parameter')
      .map(async (r) => (await ssm.send(new GetParameterCommand({ Name: r.PhysicalResourceId }))).Parameter!.Value!));
    const spec = specs.map((v) => JSON.parse(v)).find((v) => v.batch);
    expect(spec).toMatchObject({
      endpointName: endpointNameFor('legacy-batch', 'default'),
      instanceType: 'ml.c5.xlarge',
      initialInstanceCount: 1,
      batch: { inputS3Uri: `s3://${world.assetsBucket}/legacy-batch/input/`, outputS3Uri: `s3://${world.assetsBucket}/batch-output/legacy-batch/` },
    });
    expect(spec).not.toHaveProperty('dataCapture');
    expect(spec).not.toHaveProperty('deployment');

    // Its status names the output location, not an endpoint; the v1 route says the same.
    const status = bodyOf(await call('GET', '/pipelines/legacy-batch'));
    expect(status.environments).toEqual([{ name: 'default', kind: 'batch', outputUri: `s3://${world.assetsBucket}/batch-output/legacy-batch/` }]);
    expect(bodyOf(await call('POST', '/pipelinestatus', { pipeline_id: stack.StackId }))).toEqual(status);
  });

  test('POST /pipelinestatus by stack ARN or stack name answers what GET /pipelines/{name} does', async () => {
    await call('POST', '/provisionpipeline', v1Body({ model_name: 'legacy-status' }));
    const stack = await stackOf('legacy-status');
    const expected = bodyOf(await call('GET', '/pipelines/legacy-status'));

    const byArn = await call('POST', '/pipelinestatus', { pipeline_id: stack.StackId });
    const byName = await call('POST', '/pipelinestatus', { pipeline_id: stack.StackName });

    expect(byArn.statusCode).toBe(200);
    expect(bodyOf(byArn)).toEqual(expected);
    expect(bodyOf(byName)).toEqual(expected);
  });

  test('POST /pipelinestatus of a stack that is not a pipeline of this framework, or was deleted, is a 404', async () => {
    await call('POST', '/provisionpipeline', v1Body({ model_name: 'legacy-gone' }));
    const stack = await stackOf('legacy-gone');
    await call('DELETE', '/pipelines/legacy-gone');

    expect((await call('POST', '/pipelinestatus', { pipeline_id: stack.StackId })).statusCode).toBe(404);
    const foreign = await call('POST', '/pipelinestatus', { pipeline_id: 'someone-elses-stack' });
    expect(foreign.statusCode).toBe(404);
    expect(bodyOf(foreign).message).toContain('pipeline_id must be the stack ARN or stack name of a pipeline of this framework');
  });
});

describe('rejected requests create and change nothing', () => {
  const EXISTING = 'reject-target';

  beforeAll(async () => {
    // An existing pipeline: a rejected request for its name must not update it either.
    await call('POST', '/pipelines', churnRequest({ name: EXISTING }));
  });

  const cases: [string, string, string, unknown, Record<string, string> | undefined, number, RegExp][] = [
    ['invalid JSON', 'POST', '/pipelines', '{"name": "reject-target",', undefined, 400, /is not valid JSON/],
    ['an empty body', 'POST', '/pipelines', '', undefined, 400, /is empty/],
    ['a form body', 'POST', '/pipelines', 'name=reject-target', { 'content-type': 'application/x-www-form-urlencoded' }, 400, /must be application\/json/],
    ['a JSON array', 'POST', '/pipelines', [churnRequest({ name: EXISTING })], undefined, 400, /./],
    ['a v1 body posted to /pipelines', 'POST', '/pipelines', v1Body({ model_name: EXISTING }), undefined, 400, /./],
    ['a bad v1 body', 'POST', '/provisionpipeline', v1Body({ model_name: 'Bad_Name', inference_instance: 'ml.huge' }), undefined, 400, /./],
    ['a bad v1 status body', 'POST', '/pipelinestatus', { pipeline_id: 42 }, undefined, 400, /./],
    ['an invalid name in the path', 'GET', '/pipelines/Not_A_Name', undefined, undefined, 400, /./],
    ['an invalid name in a DELETE path', 'DELETE', '/pipelines/has%20space', undefined, undefined, 400, /./],
    ['an unknown route', 'POST', '/pipelines/reject-target/releases', churnRequest({ name: EXISTING }), undefined, 404, /No route/],
    ['a wrong method', 'PUT', '/pipelines', churnRequest({ name: EXISTING }), undefined, 405, /PUT is not allowed/],
  ];

  test.each(cases)('%s', async (_what, method, path, body, headers, status, problem) => {
    const before = await worldSnapshot(world);

    const result = await call(method, path, body, headers);

    expect(result.statusCode).toBe(status);
    const answer = bodyOf(result);
    expect(answer.problems.length).toBeGreaterThan(0);
    expect(answer.problems.map((p: any) => p.message).join('\n')).toMatch(problem);
    expect(await worldSnapshot(world)).toEqual(before);
  });

  test('an invalid request gets every problem, each at its path', async () => {
    const before = await worldSnapshot(world);
    const bad = { ...churnRequest({ name: EXISTING }), artifact: 'model.zip', environments: [{ name: 'dev', instanceType: 'ml.nope' }, { name: 'dev' }], extra: 1 };

    const result = await call('POST', '/pipelines', bad);

    expect(result.statusCode).toBe(400);
    const paths = bodyOf(result).problems.map((p: any) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['artifact', 'environments[0].instanceType', 'extra']));
    expect(paths.some((p: string) => p.startsWith('environments[1]'))).toBe(true);
    expect(await worldSnapshot(world)).toEqual(before);
  });

  test('missing objects are a 422 naming each one, for a new pipeline and for an update', async () => {
    const before = await worldSnapshot(world);
    const newPipeline = churnRequest({ name: 'reject-new', artifact: 'missing/model.tar.gz', image: { containerSource: 'missing/container.zip' } });
    const update = churnRequest({ name: EXISTING, artifact: 'missing/model.tar.gz' });

    const created = await call('POST', '/pipelines', newPipeline);
    const updated = await call('POST', '/pipelines', update);

    expect(created.statusCode).toBe(422);
    expect(bodyOf(created).problems).toEqual([
      { path: 'artifact', message: `s3://${world.assetsBucket}/missing/model.tar.gz does not exist in the assets bucket` },
      { path: 'image.containerSource', message: `s3://${world.assetsBucket}/missing/container.zip does not exist in the assets bucket` },
    ]);
    expect(updated.statusCode).toBe(422);
    expect(bodyOf(updated).problems).toEqual([{ path: 'artifact', message: expect.stringContaining('missing/model.tar.gz') }]);
    expect(await worldSnapshot(world)).toEqual(before);
  });

  test('a batch input needs an object under its prefix (a folder marker is none), and a missing baseline dataset is named', async () => {
    await uploadAsset(world, 'scoring/empty/', '');
    await uploadAsset(world, 'scoring/full/part-1.csv', '1,2,3');
    const before = await worldSnapshot(world);
    const request = (input: string) => churnRequest({
      name: 'reject-batch',
      environments: [
        { name: 'dev', monitoring: { baselineDataset: 'missing/train.csv' } },
        { name: 'scoring', batch: { input, output: 'scoring/out/' } },
      ],
    });
    const baselineProblem = { path: 'environments[0].monitoring.baselineDataset', message: `s3://${world.assetsBucket}/missing/train.csv does not exist in the assets bucket` };
    const inputProblem = (input: string) => ({
      path: 'environments[1].batch.input',
      message: `no object in the assets bucket has a key starting with s3://${world.assetsBucket}/${input}`,
    });

    const markerOnly = await call('POST', '/pipelines', request('scoring/empty/'));
    const absent = await call('POST', '/pipelines', request('scoring/none/'));
    const withData = await call('POST', '/pipelines', request('scoring/full/'));
    const partOfAName = await call('POST', '/pipelines', request('scoring/full/part'));

    expect(markerOnly.statusCode).toBe(422);
    expect(bodyOf(markerOnly).problems).toEqual([baselineProblem, inputProblem('scoring/empty/')]);
    expect(bodyOf(absent).problems).toEqual([baselineProblem, inputProblem('scoring/none/')]);
    expect(bodyOf(withData).problems).toEqual([baselineProblem]);
    expect(bodyOf(partOfAName).problems).toEqual([baselineProblem]);
    expect(await worldSnapshot(world)).toEqual(before);
  });

  test('a v1 request\'s missing objects are named at the v1 keys', async () => {
    const before = await worldSnapshot(world);

    const result = await call('POST', '/provisionpipeline', v1Body({
      model_name: 'reject-v1',
      model_artifact_location: 'missing/model.tar.gz',
      custom_model_container: 'missing/container.zip',
    }));

    expect(result.statusCode).toBe(422);
    expect(bodyOf(result).problems.map((p: any) => p.path)).toEqual(['model_artifact_location', 'custom_model_container']);
    expect(await worldSnapshot(world)).toEqual(before);
  });

  test('a v1 batch request with nothing under batch_inference_data is named at that key', async () => {
    const before = await worldSnapshot(world);

    const result = await call('POST', '/provisionpipeline', v1Body({ model_name: 'reject-v1-batch', inference_type: 'batch', batch_inference_data: 'legacy/batch-input/' }));

    expect(result.statusCode).toBe(422);
    expect(bodyOf(result).problems).toEqual([{
      path: 'batch_inference_data',
      message: `no object in the assets bucket has a key starting with s3://${world.assetsBucket}/legacy/batch-input/`,
    }]);
    expect(await worldSnapshot(world)).toEqual(before);
  });
});
