import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient, CreateModelCommand } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createReleaseModel } from '../../../src/runtime/release-model';
import { envSpec, MODEL_BUCKET, RELEASE_BUCKET } from '../../pipeline/deploy/deploy-fixtures';

/**
 * An environment in another region gets its own copy of each release, taken
 * by a client in its region. S3 answers a request for the pipeline's bucket
 * sent to another region's endpoint with a 301 redirect the SDK does not
 * follow, so the pipeline's copy must be looked at from the pipeline's region.
 */
const REMOTE_BUCKET = 'prod-releases-eu-west-1';
const redirect = () => Object.assign(new Error('The bucket you are attempting to access must be addressed using the specified endpoint.'), {
  name: 'PermanentRedirect',
  $metadata: { httpStatusCode: 301 },
});

test('a release for another region reads the pipeline\'s copy in the pipeline\'s region and copies it in the environment\'s', async () => {
  const pipelineS3 = new S3Client({ region: 'us-east-1' });
  const environmentS3 = new S3Client({ region: 'eu-west-1' });
  const here = mockClient(pipelineS3);
  const there = mockClient(environmentS3);
  const sagemaker = mockClient(SageMakerClient);
  here.on(HeadObjectCommand, { Bucket: RELEASE_BUCKET }).rejectsOnce(Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }))
    .resolves({ ContentLength: 1024 });
  here.on(HeadObjectCommand, { Bucket: MODEL_BUCKET }).resolves({ ContentLength: 1024 });
  here.on(CopyObjectCommand).resolves({});
  there.on(HeadObjectCommand, { Bucket: REMOTE_BUCKET }).rejects(Object.assign(new Error('Not Found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }));
  there.on(HeadObjectCommand, { Bucket: RELEASE_BUCKET }).rejects(redirect());
  there.on(CopyObjectCommand).resolves({});
  sagemaker.on(CreateModelCommand).resolves({});

  const spec = envSpec({ access: { roleArn: 'arn:aws:iam::222222222222:role/access', region: 'eu-west-1', releaseBucket: REMOTE_BUCKET } });
  const outcome = await createReleaseModel(
    { environment: 'prod', spec, executionId: 'exec-1', artifact: { bucket: MODEL_BUCKET, key: 'churn/model.tar.gz' }, artifactVersion: 'v1' },
    { s3: pipelineS3, environmentS3, sagemaker: new SageMakerClient({}), autoscaling: new ApplicationAutoScalingClient({}) },
  );

  expect(outcome.kind).toBe('created');
  expect(there).not.toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: RELEASE_BUCKET });
  expect(there).toHaveReceivedCommandWith(CopyObjectCommand, { Bucket: REMOTE_BUCKET, CopySource: expect.stringMatching(new RegExp(`^${RELEASE_BUCKET}/`)) });
  sagemaker.restore();
});
