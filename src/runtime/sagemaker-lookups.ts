import { DescribeEndpointCommand, DescribeEndpointCommandOutput, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { unlessNotFound } from './aws-errors';

/** The endpoint's description, or undefined when it does not exist. */
export async function describeEndpointIfExists(sagemaker: SageMakerClient, name: string): Promise<DescribeEndpointCommandOutput | undefined> {
  return unlessNotFound(() => sagemaker.send(new DescribeEndpointCommand({ EndpointName: name })));
}
