/** Why an action that writes may be allowed on every resource (`*`), and what must narrow it. */
export interface WildcardWriteAllowance {
  /** Why AWS leaves no narrower resource to name (Service Authorization Reference). */
  readonly reason: string;
  /** A condition key every such statement must test, when the grant is only acceptable narrowed by it. */
  readonly requiredConditionKey?: string;
}

/**
 * The write actions the product may allow on `*`, by action. Nothing else
 * may be; an entry no template uses any more fails the review too, so the
 * list only ever holds grants that exist.
 */
export const WILDCARD_WRITE_ALLOW_LIST: Readonly<Record<string, WildcardWriteAllowance>> = {
  'cloudwatch:PutMetricData': {
    reason: 'CloudWatch metrics have no ARN: PutMetricData supports no resource-level permissions, only the cloudwatch:namespace condition, '
      + 'which each grant uses (SageMaker\'s endpoint, transform and Model Monitor namespaces, the framework\'s drift-metrics namespace)',
    requiredConditionKey: 'cloudwatch:namespace',
  },
  'codepipeline:PutJobSuccessResult': {
    reason: 'A Lambda action reports on a CodePipeline job by job ID; the job result actions support no resource-level permissions',
  },
  'codepipeline:PutJobFailureResult': {
    reason: 'A Lambda action reports on a CodePipeline job by job ID; the job result actions support no resource-level permissions',
  },
  'application-autoscaling:RegisterScalableTarget': {
    reason: 'Application Auto Scaling names a scalable target with an ID it generates on registration, so no ARN can be named beforehand; '
      + 'the grant is narrowed to SageMaker endpoint variants by the service-namespace and scalable-dimension conditions',
    requiredConditionKey: 'application-autoscaling:service-namespace',
  },
  'kms:CreateKey': {
    reason: 'CreateKey supports no resource-level permissions (the key does not exist yet); the framework\'s stack role may create only keys carrying its tag',
    requiredConditionKey: 'aws:RequestTag/mlops:framework',
  },
  ...Object.fromEntries(['logs:CreateLogDelivery', 'logs:PutResourcePolicy', 'logs:DeleteResourcePolicy', 'logs:PutIndexPolicy', 'logs:DeleteIndexPolicy'].map((action) => [action, {
    reason: 'The CloudFormation registry schema of AWS::Logs::LogGroup lists it among its handlers\' permissions and IAM authorizes it on no resource; '
      + 'only the framework\'s stack role has it, which only the provisioning functions may pass to CloudFormation, with the framework\'s blueprint templates',
  }])),
  'kms:TagResource': {
    reason: 'Tagging a key as CreateKey makes it is authorized before the key has an ARN, so it is granted on * with the same tag condition '
      + '(tagging existing keys is granted separately, on the account\'s key ARNs)',
    requiredConditionKey: 'aws:RequestTag/mlops:framework',
  },
};
