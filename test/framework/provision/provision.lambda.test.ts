import { createMotoWorld, MotoWorld, uploadAsset } from './moto-world';
import { apiEvent, bodyOf, churnRequest } from './provision-fixtures';
import { PROVISION_SETTINGS_VARIABLE } from '../../../src/contract/provision-settings';
import { handler, resetForTests } from '../../../src/runtime/handlers/provision.lambda';
import { readProvisionSettings } from '../../../src/runtime/provisioning/settings';
import { checkHandlerCallsAs } from '../../aws-contracts/handler-calls/jest-checks';

// The provisioning API's function, acting as its role in the framework these names are deployed with.
checkHandlerCallsAs(() => world.framework.provision());

/**
 * The Lambda entry point as deployed: settings from its environment variable,
 * clients from the default chain (here pointed at moto by AWS_ENDPOINT_URL).
 */
let world: MotoWorld;
const saved = { settings: process.env[PROVISION_SETTINGS_VARIABLE], endpoint: process.env.AWS_ENDPOINT_URL };

beforeAll(async () => {
  world = await createMotoWorld();
});

beforeEach(() => {
  resetForTests();
  process.env.AWS_ENDPOINT_URL = process.env.MOTO_ENDPOINT;
  process.env[PROVISION_SETTINGS_VARIABLE] = JSON.stringify(world.deps.settings);
});

afterAll(() => {
  resetForTests();
  for (const [name, value] of [[PROVISION_SETTINGS_VARIABLE, saved.settings], ['AWS_ENDPOINT_URL', saved.endpoint]] as const) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
});

test('answers with clients it makes itself: a 422, then, once the artifact is uploaded, a 202 and the pipeline listed', async () => {
  const request = churnRequest({ name: 'entry-point' });
  const missing = await handler(apiEvent('POST', '/pipelines', request), { awsRequestId: 'lambda-1' });
  expect(missing.statusCode).toBe(422);

  await uploadAsset(world, request.artifact);
  const created = await handler(apiEvent('POST', '/pipelines', request), { awsRequestId: 'lambda-2' });
  const listed = await handler(apiEvent('GET', '/pipelines'), { awsRequestId: 'lambda-3' });

  expect(created.statusCode).toBe(202);
  expect(bodyOf(listed).pipelines.map((p: { name: string }) => p.name)).toContain('entry-point');
});

test.each([
  ['missing', undefined],
  ['not JSON', '{stackPrefix'],
  ['incomplete', JSON.stringify({ stackPrefix: 'mlops-', assetsBucket: 'a' })],
  ['with an empty prefix (every stack would be a pipeline)', JSON.stringify({ stackPrefix: '', assetsBucket: 'a', cloudFormationRoleArn: 'r', topicArn: 't', blueprintUrls: {}, sharedHandlers: {} })],
])('settings %s: a 500 quoting the request ID', async (_what, value) => {
  if (value === undefined) {
    delete process.env[PROVISION_SETTINGS_VARIABLE];
  } else {
    process.env[PROVISION_SETTINGS_VARIABLE] = value;
  }
  const event = apiEvent('GET', '/pipelines');
  const result = await handler({ ...event, requestContext: undefined as never }, { awsRequestId: 'lambda-9' });
  expect(result.statusCode).toBe(500);
  expect(bodyOf(result)).toEqual({ message: expect.stringContaining('lambda-9'), requestId: 'lambda-9' });
});

test('readProvisionSettings names every missing field', () => {
  expect(() => readProvisionSettings({ [PROVISION_SETTINGS_VARIABLE]: '{}' }))
    .toThrow(`${PROVISION_SETTINGS_VARIABLE} lacks stackPrefix, assetsBucket, cloudFormationRoleArn, topicArn, blueprintUrls, sharedHandlers`);
});
