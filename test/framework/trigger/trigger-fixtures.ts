import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { CodePipelineEvent } from 'aws-lambda';
import type { ProvisionSettings } from '../../../src/contract/provision-settings';
import type { ConfigTriggerDeps } from '../../../src/runtime/config-trigger/trigger-deps';
import { mockedApiDeps } from '../provision/provision-fixtures';

/** The parts of an SNS notification the tests read. */
export interface Notification {
  readonly subject?: string;
  readonly message: string;
}

/** A CodePipeline job result as the recorder received it. */
export interface JobResult {
  readonly action: string;
  readonly body: { jobId: string; failureDetails?: { type: string; message: string }; executionDetails?: { summary: string } };
}

/**
 * A loopback HTTP server that keeps each JSON request body: an SNS HTTP
 * subscription (moto posts each notification to it while Publish runs) or
 * CodePipeline's endpoint (moto has no PutJobSuccessResult), answered `{}`.
 */
export class LoopbackRecorder {
  public readonly requests: { target: string; body: any }[] = [];
  private readonly server: Server = createServer((req, res) => this.record(req, res));

  public async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  public stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** SNS notifications received (not subscription confirmations). */
  public get notifications(): Notification[] {
    return this.requests
      .filter((r) => r.body?.Type === 'Notification')
      .map((r) => ({ subject: r.body.Subject ?? undefined, message: r.body.Message }));
  }

  /** CodePipeline job results received. */
  public get jobResults(): JobResult[] {
    return this.requests
      .filter((r) => r.target.startsWith('CodePipeline_'))
      .map((r) => ({ action: r.target.replace(/^CodePipeline_\d+\./, ''), body: r.body }));
  }

  private record(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf-8');
    req.on('data', (chunk: string) => { body += chunk; });
    req.on('end', () => {
      this.requests.push({ target: String(req.headers['x-amz-target'] ?? ''), body: JSON.parse(body || '{}') });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{}');
    });
  }
}

/** An EventBridge "Object Created" event from S3, as a rule delivers it. */
export function objectCreatedEvent(bucket: string, key: string, versionId?: string): Record<string, unknown> {
  return {
    'version': '0',
    'id': '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    'source': 'aws.s3',
    'account': '123456789012',
    'time': '2026-11-29T00:00:00Z',
    'region': 'us-east-1',
    'resources': [`arn:aws:s3:::${bucket}`],
    'detail': {
      'version': '0',
      'bucket': { name: bucket },
      'object': { key: key, size: 100, etag: 'e', ...(versionId ? { 'version-id': versionId } : {}), sequencer: '617f08299329d189' },
      'request-id': 'N4N7GDK58NMKJ12R',
      'requester': '123456789012',
      'reason': 'PutObject',
    },
  };
}

/** The Git trigger pipeline's Lambda invoke job: the source artifact in S3, the job's artifact credentials. */
export function gitJobEvent(options: {
  bucket: string;
  key: string;
  revision?: string | null;
  userParameters?: object | string;
  jobId?: string;
}): CodePipelineEvent {
  const userParameters = options.userParameters ?? { configPath: 'mlops-config.json', repository: 'acme/models', branch: 'main' };
  return {
    'CodePipeline.job': {
      id: options.jobId ?? 'job-git-1',
      accountId: '123456789012',
      data: {
        actionConfiguration: {
          configuration: {
            FunctionName: 'config-trigger',
            UserParameters: typeof userParameters === 'string' ? userParameters : JSON.stringify(userParameters),
          },
        },
        inputArtifacts: [{
          name: 'Source',
          revision: options.revision === undefined ? '3f2a9c0d1e5b7a8c9d0e1f2a3b4c5d6e7f8a9b0c' : options.revision,
          location: { type: 'S3', s3Location: { bucketName: options.bucket, objectKey: options.key } },
        }],
        outputArtifacts: [],
        artifactCredentials: { accessKeyId: 'ASIAARTIFACTKEY', secretAccessKey: 'artifact-secret', sessionToken: 'artifact-token' },
      },
    },
  };
}

/** A config file's JSON text. */
export function configText(pipelines: unknown[]): string {
  return JSON.stringify({ version: 1, pipelines }, null, 2);
}

/**
 * The trigger's dependencies with plain clients in us-east-1, for tests that
 * mock every client with aws-sdk-client-mock.
 */
export function mockedTriggerDeps(settings: ProvisionSettings): ConfigTriggerDeps {
  const { region, cloudformation, s3, codepipeline, referencedObjects, logger } = mockedApiDeps(settings);
  return {
    settings,
    region,
    cloudformation,
    s3,
    codepipeline,
    referencedObjects,
    logger,
    sns: new SNSClient({ region }),
    artifactS3: (credentials) => new S3Client({ region, credentials }),
  };
}
