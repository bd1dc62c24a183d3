import type { S3Client } from '@aws-sdk/client-s3';
import { CopyObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeEndpointCommand, ListEndpointConfigsCommand } from '@aws-sdk/client-sagemaker';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { MODEL_BUCKET, RELEASE_BUCKET } from './deploy-fixtures';
import { awsError } from '../../fixtures/aws-error';

/**
 * AWS as the first release of the fixtures' dev environment finds it, for
 * fault tests whose clients are stubbed: the model artifact is in its bucket,
 * nothing has been copied to the release bucket yet, and SageMaker knows no
 * endpoint and no endpoint config of the environment. A case scripts what
 * differs on top.
 */
export function scriptFirstRelease(s3: AwsClientStub<S3Client>, sagemaker: AwsClientStub<SageMakerClient>): void {
  s3.on(HeadObjectCommand, { Bucket: RELEASE_BUCKET }).rejects(awsError('NotFound', 'Not Found', 404));
  s3.on(HeadObjectCommand, { Bucket: MODEL_BUCKET }).resolves({ ContentLength: 1024 });
  s3.on(CopyObjectCommand).resolves({});
  sagemaker.on(DescribeEndpointCommand).rejects(awsError('ValidationException', 'Could not find endpoint "churn-dev".'));
  sagemaker.on(ListEndpointConfigsCommand).resolves({ EndpointConfigs: [] });
}
