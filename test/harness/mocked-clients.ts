import type { Client } from '@smithy/core/client';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';

/** An AWS SDK v3 client class, e.g. `SageMakerClient`. */
type ClientClass = new (config: { region?: string }) => Client<any, any, any, any>;

/** The stub of each named client class. */
export type MockedClients<T extends Record<string, ClientClass>> = { [K in keyof T]: AwsClientStub<InstanceType<T[K]>> };

/** One client of each named class. */
export type ClientsOf<T extends Record<string, ClientClass>> = { [K in keyof T]: InstanceType<T[K]> };

/**
 * Every client of each given class, made anywhere in the test file (by the
 * handler under test as well as by the test), answers from a stub; before
 * each test the stubs forget what they were scripted to answer and the calls
 * they recorded. Call it at the top of the file, before the file's own
 * `beforeEach`: hooks run in the order they are registered, so the file's
 * defaults are scripted after the reset.
 *
 * A stubbed client never reaches `Client.prototype.send`, so the jest
 * setup's checks against AWS's contracts and IAM do not see these calls:
 * tests that want them checked run against moto instead.
 */
export function mockedClients<T extends Record<string, ClientClass>>(classes: T): MockedClients<T> {
  const stubs = Object.fromEntries(Object.entries(classes).map(([name, type]) => [name, mockClient(type)])) as MockedClients<T>;
  beforeEach(() => {
    for (const stub of Object.values(stubs)) {
      stub.reset();
    }
  });
  return stubs;
}

/** One client of each given class in `region`, as a handler is given them; with `mockedClients`, their calls reach the stubs. */
export function clientsIn<T extends Record<string, ClientClass>>(classes: T, region = 'us-east-1'): ClientsOf<T> {
  return Object.fromEntries(Object.entries(classes).map(([name, type]) => [name, new type({ region })])) as ClientsOf<T>;
}
