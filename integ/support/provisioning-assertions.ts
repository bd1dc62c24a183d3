import { ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { Aws, Duration } from 'aws-cdk-lib';
import { MlopsFramework } from '../../src';

/**
 * Calls a route of the framework's provisioning API through API Gateway's
 * TestInvokeMethod, which runs the route's real integration (the provisioning
 * handler) but skips the caller's SigV4 check, which would need a signed
 * HTTPS request the assertion provider cannot make.
 */
export function callProvisioningApi(
  integ: IntegTest,
  framework: MlopsFramework,
  request: { readonly method: string; readonly path: string; readonly body?: unknown },
  expected: { readonly status: number; readonly bodyPattern: string },
): IApiCall {
  const resource = framework.api.root.resourceForPath(request.path.replace(/^\/pipelines\/[^/]+$/, '/pipelines/{name}'));
  const call = integ.assertions.awsApiCall('APIGateway', 'testInvokeMethod', {
    restApiId: framework.api.restApiId,
    resourceId: resource.resourceId,
    httpMethod: request.method,
    pathWithQueryString: request.path,
    headers: { 'Content-Type': 'application/json' },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
  });
  call.expect(ExpectedResult.objectLike({ status: expected.status, body: Match.stringLikeRegexp(expected.bodyPattern) }));
  // The provider's automatic policy names apigateway:TestInvokeMethod, which is
  // no IAM action: the call is authorized as a POST on the method.
  call.provider.addToRolePolicy({
    Effect: 'Allow',
    Action: ['apigateway:POST'],
    Resource: [`arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/restapis/${framework.api.restApiId}/resources/${resource.resourceId}/methods/${request.method}`],
  });
  return call;
}

/** Waits until the pipeline stack the framework provisioned reaches `status`. */
export function waitForStack(integ: IntegTest, stackName: string, status: string, timeout: Duration): IApiCall {
  return integ.assertions
    .awsApiCall('CloudFormation', 'describeStacks', { StackName: stackName })
    .expect(ExpectedResult.objectLike({ Stacks: [Match.objectLike({ StackName: stackName, StackStatus: status })] }))
    .waitForAssertions({ totalTimeout: timeout, interval: Duration.minutes(1) });
}

/** Waits until the pipeline stack is deleted (listed among deleted stacks). */
export function waitForStackDeleted(integ: IntegTest, stackName: string, timeout: Duration): IApiCall {
  return integ.assertions
    .awsApiCall('CloudFormation', 'listStacks', { StackStatusFilter: ['DELETE_COMPLETE'] })
    .expect(ExpectedResult.objectLike({ StackSummaries: Match.arrayWith([Match.objectLike({ StackName: stackName, StackStatus: 'DELETE_COMPLETE' })]) }))
    .waitForAssertions({ totalTimeout: timeout, interval: Duration.minutes(1) });
}
