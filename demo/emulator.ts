/**
 * The local AWS emulator the demo runs the handlers against: moto on
 * 127.0.0.1 (test/harness/moto_launcher.py, with SageMaker endpoints that go
 * through Creating/Updating as real ones do), and SDK clients that can reach
 * nothing else.
 */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SSMClient } from '@aws-sdk/client-ssm';
import { setDescribesUntilReady, startMotoServer } from '../test/harness/moto-server';

/** The example stack's region; the emulator serves any. */
export const REGION = 'us-east-1';

/**
 * Every client gets an explicit endpoint and explicit fake credentials, so no
 * environment variable or AWS profile on the machine can send a call to AWS.
 */
const CREDENTIALS = { accessKeyId: 'demo', secretAccessKey: 'demo' };

/**
 * DescribeEndpoint calls that report Creating/Updating before a change is
 * done: enough that each deploy goes through CodePipeline's continuation
 * calls, as it would for the minutes a real endpoint takes.
 */
const DESCRIBES_UNTIL_READY = 2;

/** The clients the demo and the handlers use, all pointed at the emulator. */
export interface EmulatorClients {
  readonly sagemaker: SageMakerClient;
  readonly runtime: SageMakerRuntimeClient;
  readonly s3: S3Client;
  readonly ssm: SSMClient;
  readonly autoscaling: ApplicationAutoScalingClient;
  /** The test handler takes one for CodeBuild suites; the example's request tests never call it. */
  readonly codebuild: CodeBuildClient;
  /** The share handler makes each environment's inference API live. */
  readonly apigateway: APIGatewayClient;
  /** The provisioning handler creates pipeline stacks and reads their state. */
  readonly cloudformation: CloudFormationClient;
  readonly codepipeline: CodePipelineClient;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly clients: EmulatorClients;
}

/**
 * Starts the emulator, runs `body` with it and stops it whatever happens, so
 * an error anywhere in the demo never leaves a server running.
 */
export async function withEmulator<T>(body: (emulator: Emulator) => Promise<T>): Promise<T> {
  const moto = await startMotoServer();
  try {
    await setDescribesUntilReady(moto.endpoint, DESCRIBES_UNTIL_READY);
    return await body({ endpoint: moto.endpoint, clients: emulatorClients(moto.endpoint) });
  } finally {
    await moto.stop();
  }
}

export function emulatorClients(endpoint: string): EmulatorClients {
  const config = { endpoint, region: REGION, credentials: CREDENTIALS };
  return {
    sagemaker: new SageMakerClient(config),
    runtime: new SageMakerRuntimeClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    ssm: new SSMClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
    codebuild: new CodeBuildClient(config),
    apigateway: new APIGatewayClient(config),
    cloudformation: new CloudFormationClient(config),
    codepipeline: new CodePipelineClient(config),
  };
}
