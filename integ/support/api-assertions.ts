import { ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Aws, Duration } from 'aws-cdk-lib';
import { InferenceApi } from '../../src';

/**
 * Waits until the pipeline's Share stage recorded a release for the
 * environment, then sends a CSV body through the inference API's
 * `POST /invocations` and checks the answer against `bodyPattern`.
 *
 * API Gateway's TestInvokeMethod runs the method's real integration (its role,
 * the SageMaker runtime, the response mapping) but skips the caller's SigV4
 * check, which would need a signed HTTPS request the assertion provider
 * cannot make.
 * @returns the invocation, for further assertions to follow
 */
export function expectApiAnswers(integ: IntegTest, api: InferenceApi, csvBody: string, bodyPattern: string, timeout: Duration): IApiCall {
  // Matched on the whole response, not assertAtPath: a path flattens the
  // response and parses JSON text on the way, so the record would no longer be
  // at `Parameter.Value`, and a numeric answer would no longer be a string.
  if (!api.releaseParameter) {
    throw new Error(`Inference API ${api.node.path} has no release record to wait for`);
  }
  const shared = integ.assertions
    .awsApiCall('SSM', 'getParameter', { Name: api.releaseParameter.parameterName })
    .expect(ExpectedResult.objectLike({ Parameter: { Value: Match.serializedJson(Match.objectLike({ shared: true })) } }))
    .waitForAssertions({ totalTimeout: timeout, interval: Duration.minutes(1) });

  const invocations = api.restApi.root.getResource('invocations');
  if (!invocations) {
    throw new Error(`Inference API ${api.node.path} has no /invocations resource`);
  }
  // The Share stage made the API live: its stage now names the endpoint.
  const live = integ.assertions
    .awsApiCall('APIGateway', 'getStage', { restApiId: api.restApi.restApiId, stageName: api.restApi.deploymentStage.stageName })
    .expect(ExpectedResult.objectLike({ variables: { endpoint: api.endpointName } }));
  const invoke = integ.assertions.awsApiCall('APIGateway', 'testInvokeMethod', {
    restApiId: api.restApi.restApiId,
    resourceId: invocations.resourceId,
    httpMethod: 'POST',
    headers: { 'Content-Type': 'text/csv' },
    body: csvBody,
    // TestInvokeMethod runs outside any stage, so it is given the variables the share set.
    stageVariables: { endpoint: api.endpointName },
  });
  invoke.expect(ExpectedResult.objectLike({ status: 200, body: Match.stringLikeRegexp(bodyPattern) }));
  // The provider's automatic policy names apigateway:TestInvokeMethod, which is
  // no IAM action: the call is authorized as a POST on the method.
  invoke.provider.addToRolePolicy({
    Effect: 'Allow',
    Action: ['apigateway:POST'],
    Resource: [`arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/restapis/${api.restApi.restApiId}/resources/${invocations.resourceId}/methods/POST`],
  });
  shared.next(live);
  return live.next(invoke);
}
