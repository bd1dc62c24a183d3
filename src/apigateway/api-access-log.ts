import * as apigateway from 'aws-cdk-lib/aws-apigateway';

/** One JSON line per request: who called, what happened, what the integration (SageMaker, Lambda) said; never payloads. */
export function apiAccessLogFormat(): apigateway.AccessLogFormat {
  const F = apigateway.AccessLogField;
  return apigateway.AccessLogFormat.custom(JSON.stringify({
    requestId: F.contextRequestId(),
    requestTime: F.contextRequestTime(),
    sourceIp: F.contextIdentitySourceIp(),
    caller: F.contextIdentityCaller(),
    user: F.contextIdentityUser(),
    apiKeyId: F.contextIdentityApiKeyId(),
    httpMethod: F.contextHttpMethod(),
    resourcePath: F.contextResourcePath(),
    protocol: F.contextProtocol(),
    status: F.contextStatus(),
    responseLength: F.contextResponseLength(),
    responseLatency: F.contextResponseLatency(),
    // The `integration.*` variables hold SageMaker's own status and error, for AWS integrations.
    integrationStatus: '$context.integration.status',
    integrationLatency: '$context.integration.latency',
    integrationError: '$context.integration.error',
    errorMessage: F.contextErrorMessage(),
  }));
}
