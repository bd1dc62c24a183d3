import { ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Duration } from 'aws-cdk-lib';

/**
 * Waits until the pipeline has released to the endpoint (InService), then
 * invokes it with a CSV body and checks the answer against `bodyPattern`.
 * @returns the invocation, for further assertions to follow with `next()`
 */
export function expectEndpointAnswers(integ: IntegTest, endpointName: string, csvBody: string, bodyPattern: string, timeout: Duration): IApiCall {
  const inService = integ.assertions
    .awsApiCall('SageMaker', 'describeEndpoint', { EndpointName: endpointName })
    .expect(ExpectedResult.objectLike({ EndpointStatus: 'InService' }))
    .waitForAssertions({ totalTimeout: timeout, interval: Duration.minutes(1) });
  const invoke = integ.assertions.awsApiCall('SageMakerRuntime', 'invokeEndpoint', {
    EndpointName: endpointName,
    ContentType: 'text/csv',
    Body: csvBody,
  });
  // Matched on the whole response: a path would flatten it and parse the
  // model's answer as JSON on the way, so "1.0" would arrive as the number 1.
  invoke.expect(ExpectedResult.objectLike({ Body: Match.stringLikeRegexp(bodyPattern) }));
  inService.next(invoke);
  return invoke;
}
