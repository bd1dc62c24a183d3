import { readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import * as apigateway from '@aws-sdk/client-api-gateway';
import * as autoscaling from '@aws-sdk/client-application-auto-scaling';
import * as cloudformation from '@aws-sdk/client-cloudformation';
import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import * as codebuild from '@aws-sdk/client-codebuild';
import * as codepipeline from '@aws-sdk/client-codepipeline';
import * as s3 from '@aws-sdk/client-s3';
import * as sagemaker from '@aws-sdk/client-sagemaker';
import * as runtime from '@aws-sdk/client-sagemaker-runtime';
import * as sns from '@aws-sdk/client-sns';
import * as ssm from '@aws-sdk/client-ssm';
import * as sts from '@aws-sdk/client-sts';
import { fetchContractReport } from './contract-report';
import { VALID_REQUESTS } from './contract-samples';
import { takeContractViolations } from './contract-violations';
import { motoS3ClientConfig, MotoServer, PROJECT_ROOT, startMotoServer } from './moto-server';

/**
 * The launcher's contract check lets through a valid request of every
 * operation the handlers call (no false refusal can make a handler test fail
 * for the wrong reason), and counts each.
 */
type Module = Record<string, unknown>;
const CLIENTS: Readonly<Record<string, { module: Module; client: string; s3?: true }>> = {
  '@aws-sdk/client-api-gateway': { module: apigateway, client: 'APIGatewayClient' },
  '@aws-sdk/client-application-auto-scaling': { module: autoscaling, client: 'ApplicationAutoScalingClient' },
  '@aws-sdk/client-cloudformation': { module: cloudformation, client: 'CloudFormationClient' },
  '@aws-sdk/client-cloudwatch': { module: cloudwatch, client: 'CloudWatchClient' },
  '@aws-sdk/client-codebuild': { module: codebuild, client: 'CodeBuildClient' },
  '@aws-sdk/client-codepipeline': { module: codepipeline, client: 'CodePipelineClient' },
  '@aws-sdk/client-s3': { module: s3, client: 'S3Client', s3: true },
  '@aws-sdk/client-sagemaker': { module: sagemaker, client: 'SageMakerClient' },
  '@aws-sdk/client-sagemaker-runtime': { module: runtime, client: 'SageMakerRuntimeClient' },
  '@aws-sdk/client-sns': { module: sns, client: 'SNSClient' },
  '@aws-sdk/client-ssm': { module: ssm, client: 'SSMClient' },
  '@aws-sdk/client-sts': { module: sts, client: 'STSClient' },
};
const SAMPLES = Object.entries(VALID_REQUESTS).flatMap(([pkg, requests]) => Object.keys(requests).map((command) => `${pkg} ${command}`)).sort();

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMotoServer();
});
afterAll(async () => {
  await moto?.stop();
});

/**
 * Every `new XCommand(` in src/ (the operations handlers and constructs
 * send), as `<package> <command>` by the file's import of the command.
 */
function commandsInSource(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const file = path.join(dir, entry);
      if (statSync(file).isDirectory()) {
        walk(file);
      } else if (file.endsWith('.ts')) {
        const source = readFileSync(file, 'utf-8');
        const packageOf = new Map<string, string>();
        for (const [, names, pkg] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[^']+)'/g)) {
          for (const name of names.split(',')) packageOf.set(name.trim().replace(/^type\s+/, ''), pkg);
        }
        for (const [, command] of source.matchAll(/new ([A-Z]\w*Command)\(/g)) found.add(`${packageOf.get(command) ?? '(not imported from an SDK client)'} ${command}`);
      }
    }
  };
  walk(path.join(PROJECT_ROOT, 'src'));
  return [...found].sort();
}

interface SampleClient {
  readonly Command: new (input: unknown) => unknown;
  readonly service: string;
  send(command: unknown): Promise<unknown>;
}

function clientFor(pkg: string, command: string): SampleClient {
  const { module, client, s3: isS3 } = CLIENTS[pkg];
  const Client = module[client] as new (config: unknown) => { send: (c: unknown) => Promise<unknown>; config: { serviceId: string } };
  const config = isS3 ? motoS3ClientConfig(moto.endpoint) : { endpoint: moto.endpoint, region: 'us-east-1' };
  const instance = new Client({ ...config, maxAttempts: 1 });
  return { send: (c) => instance.send(c), Command: module[command] as new (input: unknown) => unknown, service: instance.config.serviceId };
}

test('every operation the source sends has a valid sample request', () => {
  expect(SAMPLES).toEqual(commandsInSource());
});

test.each(SAMPLES)('a valid request of %s passes the contract check and is counted', async (sample) => {
  const [pkg, command] = sample.split(' ');
  const { send, Command, service } = clientFor(pkg, command);
  const operation = `${service}.${command.replace(/Command$/, '')}`;
  const before = (await fetchContractReport(moto.endpoint)).operations[operation] ?? 0;
  // moto may refuse it for its own reasons (no such endpoint, bucket or job): only a contract violation fails here.
  await send(new Command(VALID_REQUESTS[pkg][command])).catch(() => undefined);
  expect(takeContractViolations()).toEqual([]);
  const report = await fetchContractReport(moto.endpoint);
  expect(report.operations[operation]).toBe(before + 1);
  expect(report.violations).toBe(0);
});
