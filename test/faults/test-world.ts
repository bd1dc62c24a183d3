import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SSMClient } from '@aws-sdk/client-ssm';
import { motoReleaseClients } from './release-world';
import type { IntegrationTestClients } from '../../src/runtime/integration-tests';

/** The test project of the pipeline whose `dev` endpoint is `endpointName` (a CodeBuild-tested case's). */
export function testProject(endpointName: string): string {
  return `${endpointName}-tests`;
}

/** The parameter the pipeline whose `dev` endpoint is `endpointName` keeps its test requests in (a name as CloudFormation makes one: no slash). */
export function testRequestsParameter(endpointName: string): string {
  return `CFN-${endpointName}-test-requests`;
}

/** The Test step's clients on the suite's shared moto server, with those of a release to look around with. */
export function motoTestClients(): IntegrationTestClients & ReturnType<typeof motoReleaseClients> {
  const config = { endpoint: process.env.MOTO_ENDPOINT!, region: 'us-east-1' };
  return { ...motoReleaseClients(), runtime: new SageMakerRuntimeClient(config), ssm: new SSMClient(config), codebuild: new CodeBuildClient(config) };
}
