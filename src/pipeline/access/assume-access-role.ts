import * as iam from 'aws-cdk-lib/aws-iam';
import { EnvironmentAccessSpec } from '../../contract/access-settings';

/**
 * Lets a pipeline handler act in an environment in another account or
 * region: it may assume that environment's access role and no other.
 */
export function grantAssumeAccessRole(grantee: iam.IGrantable, access: EnvironmentAccessSpec): void {
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: [access.roleArn],
  }));
}
