import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { acknowledgeRule } from '../nag/acknowledgements';

/** A regional AWS WAF web ACL's ARN, which an API Gateway stage can be associated with. */
export const WEB_ACL_PATTERN = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/.+$/;

/**
 * Associates the stage with the web ACL when one is given; without one, says
 * why the stage goes without (every request authenticated, the stage throttled).
 */
export function protectWithWebAcl(scope: Construct, stage: apigateway.Stage, webAclArn: string | undefined): void {
  if (webAclArn) {
    new wafv2.CfnWebACLAssociation(scope, 'WebAcl', { resourceArn: stage.stageArn, webAclArn });
  } else {
    acknowledgeRule(stage, 'AwsSolutions-APIG3',
      'No web ACL was given (webAclArn): every request is authenticated and the stage is throttled; pass webAclArn to add AWS WAF');
  }
}
