import { CreateEndpointCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { MotoServer, startMotoServer } from './moto-server';

/**
 * Not part of the suite (it is no *.test.ts): contract-violations.test.ts runs
 * it in a jest of its own to show that a test whose code swallows a refused
 * call still fails, and that the tests around it do not.
 */
let moto: MotoServer;

beforeAll(async () => {
  moto = await startMotoServer();
});

afterAll(async () => {
  await moto?.stop({ expectedContractViolations: 1 });
});

test('handler code that catches the refusal of a request AWS would refuse', async () => {
  const sagemaker = new SageMakerClient({ endpoint: moto.endpoint, region: 'us-east-1', maxAttempts: 1 });
  const outcome = await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'churn_dev', EndpointConfigName: 'churn-dev-r1' })).catch(() => 'caught');
  expect(outcome).toBe('caught');
});

test('a test after it that sends nothing wrong', () => {
  expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
});
