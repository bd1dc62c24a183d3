import {
  CodePipelineClient,
  FailureType,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import type { CodePipelineEvent } from 'aws-lambda';
import { DEFAULT_DOCUMENT_MAX_BYTES } from '../../config/limits';
import { errorName, isNotFound, isTransient } from '../aws-errors';
import { CodePipelineJob, JobConfigurationError, parseJob, requireParameter } from '../codepipeline-job';
import { isSafeEntryName, readZipEntry, ZipError } from '../zip-reader';
import { applyConfig, ConfigResult, rejectedFile } from './apply-config';
import { ConfigLocation, describeLocation } from './config-location';
import { readObjectCapped } from './object-body';
import { loggedReport, publishReport } from './publish-report';
import type { ArtifactCredentials, ConfigTriggerDeps } from './trigger-deps';
import { utf8Text } from '../../config/utf8-text';

/**
 * The largest repository archive read. The whole zip is held in memory to
 * find one file in it, so this bounds the function's memory use; a
 * repository with large files in it is refused with this limit named.
 */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;
/** CodePipeline's limits on a failure message and on a success summary. */
const MAX_FAILURE_MESSAGE = 5000;
const MAX_SUCCESS_SUMMARY = 2048;

/** The input artifact and parameters of a Git trigger job. */
interface GitJob {
  readonly job: CodePipelineJob;
  readonly location: ConfigLocation & { kind: 'git' };
  readonly bucket: string;
  readonly key: string;
  readonly credentials: ArtifactCredentials;
}

/**
 * A push to the configured repository: the CodePipeline job's input
 * artifact (the repository as a zip) is read with the job's own artifact
 * credentials, the config file is taken out of it, applied and reported on
 * the topic, and the job is told the result: success only when every
 * pipeline started or was already as asked, so a refused or rejected file
 * shows as a failed stage with the problems in its details.
 *
 * Transient AWS errors fail the job with a message saying to retry the
 * stage (CodePipeline's retry; applying the same commit again is safe).
 * Only a failure to report the job result itself is thrown, so Lambda's
 * asynchronous retry calls again rather than leave the job hanging until
 * CodePipeline's time-out.
 */
export async function handleGitJob(event: CodePipelineEvent, deps: ConfigTriggerDeps, requestId: string): Promise<void> {
  const jobId = event['CodePipeline.job'].id;
  const { logger } = deps;
  let git: GitJob;
  try {
    git = gitJobOf(event);
  } catch (err) {
    logger.error('Git trigger job is misconfigured', { jobId, requestId, error: err as Error });
    await failJob(deps.codepipeline, jobId, FailureType.ConfigurationError, (err as Error).message);
    return;
  }
  const where = describeLocation(git.location);
  let result: ConfigResult;
  try {
    result = await readAndApply(git, deps, requestId);
  } catch (err) {
    if (isTransient(err)) {
      logger.warn('Git trigger interrupted by a transient AWS error', { jobId, source: where, requestId, error: err as Error });
      await failJob(deps.codepipeline, jobId, FailureType.SystemUnavailable,
        `AWS was busy or unavailable (${errorName(err)}) while applying ${where}. Retry the stage: applying the same commit again is safe.`);
      return;
    }
    logger.error('Git trigger could not read the source artifact', { jobId, source: where, requestId, error: err as Error });
    const type = errorName(err) === 'AccessDenied' ? FailureType.PermissionError : FailureType.JobFailed;
    await failJob(deps.codepipeline, jobId, type,
      `The source artifact of ${where} could not be read (${errorName(err)}; see the config trigger's log, request ID ${requestId}). Nothing was provisioned.`);
    return;
  }
  const report = loggedReport(deps, git.location, result, { jobId, requestId });
  try {
    await publishReport(deps, report);
  } catch (err) {
    // The job's failure details carry the report instead, and a retry of the stage sends it again.
    logger.error('The config file\'s report could not be published', { source: where, jobId, requestId, error: err as Error });
    await failJob(deps.codepipeline, jobId, isTransient(err) ? FailureType.SystemUnavailable : FailureType.JobFailed,
      `${report.summary}. The report could not be emailed (${errorName(err)}); retry the stage to send it. ${report.message}`);
    return;
  }
  if (report.succeeded) {
    await deps.codepipeline.send(new PutJobSuccessResultCommand({
      jobId,
      executionDetails: { summary: report.summary.slice(0, MAX_SUCCESS_SUMMARY), percentComplete: 100 },
    }));
  } else {
    await failJob(deps.codepipeline, jobId, FailureType.JobFailed, report.message);
  }
}

/** Fails a job with a message CodePipeline shows in the stage's details. */
export async function failJob(codepipeline: CodePipelineClient, jobId: string, type: FailureType, message: string): Promise<void> {
  await codepipeline.send(new PutJobFailureResultCommand({
    jobId,
    failureDetails: { type, message: message.slice(0, MAX_FAILURE_MESSAGE) },
  }));
}

/** The artifact, credentials and parameters of the job, or a {@link JobConfigurationError} naming what is missing. */
function gitJobOf(event: CodePipelineEvent): GitJob {
  const job = parseJob(event);
  const configPath = requireParameter(job, 'configPath');
  if (!isSafeEntryName(configPath)) {
    throw new JobConfigurationError(`UserParameters.configPath "${configPath}" must be a relative path in the repository, without "..", "." or backslashes`);
  }
  const data = event['CodePipeline.job'].data;
  const artifact = data?.inputArtifacts?.[0];
  const s3 = artifact?.location?.s3Location;
  if (!s3 || typeof s3.bucketName !== 'string' || typeof s3.objectKey !== 'string') {
    throw new JobConfigurationError('The job has no input artifact in S3: the action needs the source action\'s output artifact as its input');
  }
  const credentials = data.artifactCredentials;
  if (!credentials || typeof credentials.accessKeyId !== 'string' || typeof credentials.secretAccessKey !== 'string') {
    throw new JobConfigurationError('The job has no artifactCredentials to read its input artifact with');
  }
  return {
    job,
    bucket: s3.bucketName,
    key: s3.objectKey,
    // A copy: the SDK annotates the credentials object it is given, and the event is not ours to change.
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    location: {
      kind: 'git',
      jobId: job.id,
      configPath,
      repository: optionalParameter(job, 'repository'),
      branch: optionalParameter(job, 'branch'),
      commit: typeof artifact.revision === 'string' && artifact.revision !== '' ? artifact.revision : undefined,
    },
  };
}

function optionalParameter(job: CodePipelineJob, name: string): string | undefined {
  const value = job.userParameters[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The config file's result. Lasting S3 errors reading the artifact are
 * thrown (they are the pipeline's, not the file's); what is wrong with the
 * archive or the file in it is a rejection, reported like invalid JSON.
 */
async function readAndApply(git: GitJob, deps: ConfigTriggerDeps, requestId: string): Promise<ConfigResult> {
  let read;
  try {
    read = await readObjectCapped(deps.artifactS3(git.credentials), { Bucket: git.bucket, Key: git.key }, MAX_ARCHIVE_BYTES);
  } catch (err) {
    if (isNotFound(err) && !isTransient(err)) {
      return rejectedFile('the source artifact is gone from the artifact bucket (expired?); push again or release a change to start a new execution');
    }
    throw err;
  }
  if (read.kind === 'too-large') {
    return rejectedFile(`the repository archive is ${read.size} bytes or more, over the limit of ${MAX_ARCHIVE_BYTES} bytes this trigger reads`);
  }
  const { configPath } = git.location;
  let entry: Buffer | undefined;
  try {
    entry = await readZipEntry(read.bytes, configPath, { maxEntryBytes: DEFAULT_DOCUMENT_MAX_BYTES });
  } catch (err) {
    if (err instanceof ZipError) {
      return rejectedFile(`the repository archive could not be read: ${err.message}`);
    }
    throw err;
  }
  if (!entry) {
    return rejectedFile(`${configPath} is not in the repository at this commit (the path is case-sensitive and relative to the repository's root)`);
  }
  const text = utf8Text(entry);
  if (text === undefined) {
    return rejectedFile(`${configPath} is not UTF-8 text`);
  }
  return applyConfig(text, deps, requestId);
}
