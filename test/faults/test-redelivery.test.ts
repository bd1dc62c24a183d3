import { DescribeEndpointCommand } from '@aws-sdk/client-sagemaker';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { FaultInjector, redeliverAfterCrash } from './fault-injector';
import { createReleaseBuckets, releaseBucketNames, releaseOf, serveRelease, worldSpec } from './release-world';
import { motoTestClients, testRequestsParameter } from './test-world';
import type { TestSuiteSpec } from '../../src/contract/test-settings';
import type { CodePipelineJob } from '../../src/runtime/codepipeline-job';
import { runTestJob } from '../../src/runtime/integration-tests';
import { actingAs } from '../aws-contracts/handler-calls/acting-role';
import { failOnUnauthorizedHandlerCalls } from '../aws-contracts/handler-calls/jest-checks';
import { FaultWorlds } from '../aws-contracts/worlds/fault-worlds';
import { testJob } from '../pipeline/integration-tests/tests-fixtures';

/**
 * A Test job whose report never reached CodePipeline (the Lambda ran out of
 * time, or PutJobSuccessResult failed) is delivered again from the start. If
 * its first attempt failed the tests and rolled the endpoint back, the
 * requests of the second attempt reach the previous release: passing then
 * must not pass the release under test. Against the suite's shared moto
 * server.
 */
const BUCKETS = 'faults-test-redelivery';
const MODEL = 'test-redelivery';
/** The pipeline of the file's environment, tested by requests: the Test job acts as its test function's role. */
const WORLDS = new FaultWorlds(BUCKETS, {
  buckets: releaseBucketNames(BUCKETS),
  tests: 'requests',
  names: (endpointName) => ({ ChurnTestsRequestsdev: testRequestsParameter(endpointName) }),
});
failOnUnauthorizedHandlerCalls();

const SUITE: TestSuiteSpec = {
  requests: [{ name: 'score high', body: '{"features":[1,2,3]}', contentType: 'application/json', status: 200, jsonPath: [{ path: '$.score', min: 0.5 }] }],
};

/**
 * Stands in for the models behind the endpoint: the release under test
 * scores low, any other config it serves scores well. Sits below the fault
 * injector, so the injector still counts each request.
 */
function modelsBehind(runtime: { middlewareStack: { add(m: any, o: object): void } }, endpointName: string, underTest: string): void {
  const observer = motoTestClients().sagemaker;
  runtime.middlewareStack.add((next: any, context: any) => async (args: any) => {
    if (context.commandName !== 'InvokeEndpointCommand') {
      return next(args);
    }
    const serving = (await observer.send(new DescribeEndpointCommand({ EndpointName: endpointName }))).EndpointConfigName;
    const score = serving === underTest ? 0.2 : 0.9;
    return { output: { Body: new TextEncoder().encode(JSON.stringify({ score })), ContentType: 'application/json', $metadata: {} }, response: {} };
  }, { step: 'initialize', name: 'modelsBehind' });
}

test('a Test job delivered again after its rollback finished does not pass the release it rolled back', async () => {
  const buckets = await createReleaseBuckets(BUCKETS);
  const spec = worldSpec(buckets, MODEL);
  const endpointName = spec.environments.dev.endpointName;
  const requestsParameter = testRequestsParameter(endpointName);
  const clients = motoTestClients();
  await serveRelease(clients.sagemaker, spec, ['exec-old', 'exec-new']);
  const [previous, next] = [releaseOf(spec, 'exec-old'), releaseOf(spec, 'exec-new')];
  await clients.ssm.send(new PutParameterCommand({ Name: requestsParameter, Type: 'String', Value: JSON.stringify(SUITE) }));
  const job = testJob({ endpointName, endpointConfigName: next, previousConfig: previous, requestsParameter });

  // The first attempt's last call issues the rollback; its report is lost.
  const injector = new FaultInjector({ at: 4, kind: 'crash-after' }).attach(clients.sagemaker, clients.ssm, clients.runtime);
  modelsBehind(clients.runtime, endpointName, next);
  const run = redeliverAfterCrash(injector, async (j: CodePipelineJob) => {
    if (injector.fired) {
      // Lambda delivers the event again minutes later: the rollback has finished by then.
      await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    }
    return actingAs(WORLDS.role('test', MODEL), () => runTestJob(j, clients));
  });
  const outcome = await run(job);

  expect(injector.calls.slice(0, 4)).toEqual(['GetParameterCommand', 'InvokeEndpointCommand', 'DescribeEndpointCommand', 'UpdateEndpointCommand']);
  expect(outcome).toEqual({
    kind: 'failed',
    message: `Tests of dev passed, but endpoint ${endpointName} serves ${previous}, not release ${next}: `
      + 'an earlier attempt of this job rolled it back, or another release replaced it',
  });
});
