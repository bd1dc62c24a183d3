import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * `sagemaker:InvokeEndpoint` on one endpoint of `scope`'s account and region,
 * by the name the deploy handler gives it at the first release, so the grant
 * holds before the endpoint exists. (SageMaker has no resource policies: a
 * caller must be in the endpoint's account.)
 */
export function grantInvokeEndpoint(scope: Construct, grantee: iam.IGrantable, endpointName: string): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['sagemaker:InvokeEndpoint'],
    // SageMaker writes endpoint names in lower case in its ARNs.
    resourceArns: [Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: endpointName.toLowerCase() })],
  });
}
