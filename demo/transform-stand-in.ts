/**
 * The emulator cannot run the model in a batch transform either: moto marks
 * a transform job Completed the moment it is created and writes no output.
 * So, right after a batch environment's Deploy step, the demo writes what the
 * job would have written, taken from the job's own description (its input,
 * content type, split type, Accept and output path): for each object under
 * the input, `<output path><name>.out` with the stand-in model's answer to
 * each of its rows, one line per row as SageMaker assembles line records.
 * The real output check of the Test stage then reads those objects.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeTransformJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { answer } from './model-stand-in';
import { parseS3Uri } from '../src/runtime/s3-uri';

/** One output object the demo wrote in the model's place. */
export interface StandInOutput {
  readonly input: string;
  readonly output: string;
  /** Its lines, one per input row. */
  readonly lines: string[];
}

/**
 * Writes the output of transform job `jobName` as the stand-in model would have.
 * @param broken whether the release's model answers wrongly
 */
export async function writeTransformOutput(
  jobName: string,
  clients: { readonly sagemaker: SageMakerClient; readonly s3: S3Client },
  broken: boolean,
): Promise<StandInOutput[]> {
  const job = await clients.sagemaker.send(new DescribeTransformJobCommand({ TransformJobName: jobName }));
  const inputUri = job.TransformInput?.DataSource?.S3DataSource?.S3Uri;
  const outputUri = job.TransformOutput?.S3OutputPath;
  if (!inputUri || !outputUri) {
    throw new Error(`Transform job ${jobName} names no S3 input or output path`);
  }
  // What the stand-in model reads: CSV rows, one record per line.
  if (job.TransformInput?.ContentType !== 'text/csv' || job.TransformInput?.SplitType !== 'Line') {
    throw new Error(`The stand-in model transforms CSV split by line, but job ${jobName} has ${job.TransformInput?.ContentType} split by ${job.TransformInput?.SplitType}`);
  }
  const input = parseS3Uri(inputUri);
  const output = parseS3Uri(outputUri.endsWith('/') ? outputUri : `${outputUri}/`);
  const written: StandInOutput[] = [];
  for (const key of await objectKeys(clients.s3, input.bucket, input.key)) {
    const got = await clients.s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: key }));
    const rows = ((await got.Body?.transformToString('utf-8')) ?? '').trim();
    if (!rows) continue;
    const answered = answer({ body: rows, accept: job.TransformOutput?.Accept }, broken);
    const outputKey = `${output.key}${key.slice(key.lastIndexOf('/') + 1)}.out`;
    await clients.s3.send(new PutObjectCommand({ Bucket: output.bucket, Key: outputKey, Body: answered.body, ContentType: answered.contentType }));
    written.push({ input: `s3://${input.bucket}/${key}`, output: `s3://${output.bucket}/${outputKey}`, lines: answered.body.trim().split('\n') });
  }
  return written;
}

/** The keys under a prefix, folder markers left out. */
async function objectKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((c) => c.Key!).filter((key) => !key.endsWith('/')));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}
