import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { EnvironmentClients, assumedRoleCredentials } from '../../../src/runtime/environment-access';
import { mockedClients } from '../../harness/mocked-clients';

const ROLE = 'arn:aws:iam::222222222222:role/churn-prod-mlops-access';
const { sts } = mockedClients({ sts: STSClient });

function credentials(expiresAt: number) {
  return { Credentials: { AccessKeyId: `AK${expiresAt}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(expiresAt) } };
}

describe('assumedRoleCredentials', () => {
  test('assumes the role once, names the session, and reuses the credentials while they are fresh', async () => {
    let now = 0;
    sts.on(AssumeRoleCommand).resolves(credentials(60 * 60 * 1000));
    const provider = assumedRoleCredentials(new STSClient({ region: 'us-east-1' }), ROLE, 'mlops-deploy', () => now);
    const first = await provider();
    now = 30 * 60 * 1000;
    expect(await provider()).toBe(first);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({ RoleArn: ROLE, RoleSessionName: 'mlops-deploy', DurationSeconds: 900 });
  });

  test('assumes the role again within five minutes of expiry, so no call runs on expiring credentials', async () => {
    let now = 0;
    sts.on(AssumeRoleCommand).resolvesOnce(credentials(10 * 60 * 1000)).resolves(credentials(70 * 60 * 1000));
    const provider = assumedRoleCredentials(new STSClient({ region: 'us-east-1' }), ROLE, 'mlops-deploy', () => now);
    expect((await provider()).accessKeyId).toBe(`AK${10 * 60 * 1000}`);
    now = 6 * 60 * 1000;
    expect((await provider()).accessKeyId).toBe(`AK${70 * 60 * 1000}`);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  test('an answer without credentials is an error naming the role', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    const provider = assumedRoleCredentials(new STSClient({ region: 'us-east-1' }), ROLE, 'mlops-deploy');
    await expect(provider()).rejects.toThrow(`STS returned no credentials for role ${ROLE}`);
  });

  test('a refused AssumeRole reaches the caller as it is (the job fails with the reason)', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));
    const provider = assumedRoleCredentials(new STSClient({ region: 'us-east-1' }), ROLE, 'mlops-deploy');
    await expect(provider()).rejects.toThrow(/not authorized to perform sts:AssumeRole/);
  });
});

describe('EnvironmentClients', () => {
  const factory = new EnvironmentClients({ region: 'us-east-1' }, 'mlops-test');

  test('hands out one client per account and region, in the environment\'s region', async () => {
    const local = factory.get(SageMakerClient);
    const remote = factory.get(SageMakerClient, { roleArn: ROLE, region: 'eu-west-1' });
    expect(factory.get(SageMakerClient)).toBe(local);
    expect(factory.get(SageMakerClient, { roleArn: ROLE, region: 'eu-west-1' })).toBe(remote);
    expect(remote).not.toBe(local);
    expect(await remote.config.region()).toBe('eu-west-1');
    expect(await local.config.region()).toBe('us-east-1');
  });

  test('the remote client signs with the assumed role\'s credentials', async () => {
    sts.on(AssumeRoleCommand).resolves(credentials(Date.now() + 60 * 60 * 1000));
    const remote = factory.get(SageMakerClient, { roleArn: ROLE, region: 'ap-southeast-2' });
    const signedWith = await remote.config.credentials();
    expect(signedWith.sessionToken).toBe('t');
    expect(sts.commandCalls(AssumeRoleCommand)[0].args[0].input.RoleArn).toBe(ROLE);
  });
});
