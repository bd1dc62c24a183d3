import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { PipelineRequest } from '../../../src/config/pipeline-request';
import { blueprintShapes } from '../../../src/blueprint/blueprint-parameters';
import type { ProvisionSettings } from '../../../src/contract/provision-settings';
import { REQUEST_SCHEMA } from '../../../src/runtime/handlers/provision.lambda';
import { createLogger } from '../../../src/runtime/logger';
import type { ApiDeps } from '../../../src/runtime/provisioning/api-handler';

export { REQUEST_SCHEMA };

/** Handler logs stay quiet in test runs (MLOPS_LOG_LEVEL, see global-setup.ts). */
export const LOGGER = createLogger('mlops-provision-test');

/** Settings as the construct writes them; `blueprintBucket` holds the templates by shape. */
export function provisionSettings(options: { stackPrefix: string; assetsBucket: string; blueprintBucket: string }): ProvisionSettings {
  return {
    stackPrefix: options.stackPrefix,
    assetsBucket: options.assetsBucket,
    cloudFormationRoleArn: 'arn:aws:iam::123456789012:role/mlops-cloudformation',
    blueprintUrls: Object.fromEntries(blueprintShapes().map((shape) => [shape, blueprintUrl(options.blueprintBucket, shape)])),
    sharedHandlers: {
      deploy: sharedFunction('deploy'),
      test: sharedFunction('test'),
      share: sharedFunction('share'),
      cleanup: { serviceToken: 'arn:aws:lambda:us-east-1:123456789012:function:mlops-cleanup-provider', roleArn: 'arn:aws:iam::123456789012:role/mlops-cleanup' },
    },
    topicArn: 'arn:aws:sns:us-east-1:123456789012:mlops',
  };
}

function sharedFunction(name: string): { functionArn: string; roleArn: string } {
  return { functionArn: `arn:aws:lambda:us-east-1:123456789012:function:mlops-${name}`, roleArn: `arn:aws:iam::123456789012:role/mlops-${name}` };
}

/** Where a shape's template is, as the framework stack would give it (virtual-hosted S3 URL). */
export function blueprintUrl(bucket: string, shape: string): string {
  return `https://${bucket}.s3.us-east-1.amazonaws.com/blueprints/${shape}.json`;
}

/** A valid request with two environments and a built-in framework image. */
export function churnRequest(overrides: Partial<PipelineRequest> = {}): PipelineRequest {
  return {
    name: 'churn',
    artifact: 'churn/model.tar.gz',
    image: { framework: 'xgboost', version: '1.7-1' },
    environments: [{ name: 'dev' }, { name: 'prod', approval: true, instanceCount: 2 }],
    ...overrides,
  };
}

/** A v1.0 `/provisionpipeline` body. */
export function v1Body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pipeline_type: 'byom',
    model_name: 'legacy',
    model_framework: 'xgboost',
    model_framework_version: '1.7-1',
    model_artifact_location: 'legacy/model.tar.gz',
    custom_model_container: '',
    training_data: 'legacy/train.csv',
    inference_instance: 'ml.m5.large',
    inference_type: 'realtime',
    batch_inference_data: '',
    ...overrides,
  };
}

/** An API Gateway REST proxy event; a non-string body is sent as its JSON. */
export function apiEvent(method: string, path: string, body?: unknown, headers: Record<string, string> = { 'Content-Type': 'application/json' }): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    resource: path,
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'req-test-1' } as APIGatewayProxyEvent['requestContext'],
  };
}

/** The parsed body of a handler answer. */
export function bodyOf(result: { body: string }): any {
  return JSON.parse(result.body);
}

/**
 * The API handler's dependencies with plain clients in us-east-1, for tests
 * that mock every client with aws-sdk-client-mock.
 */
export function mockedApiDeps(settings: ProvisionSettings): ApiDeps {
  return {
    settings,
    region: 'us-east-1',
    cloudformation: new CloudFormationClient({ region: 'us-east-1' }),
    s3: new S3Client({ region: 'us-east-1' }),
    codepipeline: new CodePipelineClient({ region: 'us-east-1' }),
    sagemaker: new SageMakerClient({ region: 'us-east-1' }),
    schema: REQUEST_SCHEMA,
    referencedObjects: REQUEST_SCHEMA.referencedObjects,
    logger: LOGGER,
  };
}
