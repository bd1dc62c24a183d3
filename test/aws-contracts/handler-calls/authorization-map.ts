import type { SdkCall } from '../../harness/sdk-calls';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** One IAM authorization an AWS call needs: an action on a resource, in a request context. */
export interface RequiredPermission {
  /** `service:Action` as IAM names it. */
  readonly action: string;
  /** The resource's ARN, or `*` for an action that takes none. */
  readonly resource: string;
  readonly context?: { readonly [key: string]: string | string[] };
  /** Why the call needs it, when it is not the call's own action (a role passed, a tag written, a key used). */
  readonly because?: string;
}

/** What the authorization of a call depends on besides its input. */
export interface CallSite {
  readonly account: string;
  readonly region: string;
  /** The KMS key a bucket encrypts new objects with, if any. */
  bucketKey(bucket: string): string | undefined;
  /** The region a bucket is in, when known (else the call's). */
  bucketRegion?(bucket: string): string | undefined;
  /** The KMS key a topic encrypts messages with, if any. */
  topicKey(topicArn: string): string | undefined;
  /** The tags a scalable target was registered with earlier (Application Auto Scaling's resource tags). */
  scalableTargetTags(resourceId: string): { [key: string]: string } | undefined;
}

type Rule = (input: any, site: CallSite, call: SdkCall) => RequiredPermission[];

/**
 * What each AWS call the handlers make needs from IAM: the action (as the
 * Service Authorization Reference names it), the resource ARN built from the
 * call's input, the condition keys the request carries, and the dependent
 * authorizations AWS documents for it: `iam:PassRole` for a role handed to a
 * service, `sagemaker:AddTags` when a create carries tags, `sts:TagSession`
 * for session tags, KMS for SSE-KMS objects and encrypted topics, S3 read of
 * a template CloudFormation fetches with the caller's credentials. A call
 * with no rule here fails its test: every operation a handler uses is mapped.
 */
export function requiredPermissions(call: SdkCall, site: CallSite): RequiredPermission[] {
  const rules = RULES[call.service];
  const rule = rules?.[call.operation];
  if (!rule) {
    throw new Error(`No IAM authorization rule for ${call.service} ${call.operation}: add one to test/aws-contracts/handler-calls/authorization-map.ts`);
  }
  return rule(call.input, site, call);
}

const sagemakerArn = (site: CallSite, type: string, name: string) => `arn:aws:sagemaker:${site.region}:${site.account}:${type}/${String(name).toLowerCase()}`;

/** The permissions of a SageMaker create that may carry tags and pass a role. */
function sagemakerCreate(type: string, nameKey: string, roleKey?: string): Rule {
  return (input, site) => {
    const arn = sagemakerArn(site, type, input[nameKey]);
    const tags = tagContext(input.Tags);
    const permissions: RequiredPermission[] = [{ action: `sagemaker:Create${pascal(type)}`, resource: arn, context: tags }];
    if (input.Tags?.length) {
      permissions.push({ action: 'sagemaker:AddTags', resource: arn, context: tags, because: 'the create carries tags' });
    }
    const role = roleKey ? input[roleKey] : undefined;
    if (role) {
      permissions.push(passRole(role, 'sagemaker.amazonaws.com'));
    }
    return permissions;
  };
}

function sagemakerOn(type: string, nameKey: string, action: string): Rule {
  return (input, site) => [{ action: `sagemaker:${action}`, resource: sagemakerArn(site, type, input[nameKey]) }];
}

const onNothing = (action: string): Rule => () => [{ action, resource: '*' }];

/** A condition key the request carries only when the input has the value. */
function optional(key: string, value: unknown): { [key: string]: string } {
  return value === undefined ? {} : { [key]: String(value) };
}

function passRole(roleArn: string, service: string): RequiredPermission {
  return { action: 'iam:PassRole', resource: roleArn, context: { 'iam:PassedToService': service }, because: `the role is passed to ${service}` };
}

/** `aws:RequestTag/<key>` and `aws:TagKeys` of tags given as `[{ Key, Value }]` or `{ key: value }`. */
function tagContext(tags: unknown): { [key: string]: string | string[] } {
  const entries: Array<[string, string]> = Array.isArray(tags)
    ? tags.map((t: any) => [String(t.Key), String(t.Value)])
    : Object.entries((tags ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
  if (entries.length === 0) return {};
  return { ...Object.fromEntries(entries.map(([k, v]) => [`aws:RequestTag/${k}`, v])), 'aws:TagKeys': entries.map(([k]) => k) };
}

function pascal(type: string): string {
  return type.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join('');
}

/** S3: objects are `arn:aws:s3:::bucket/key`; reading a version is its own action. */
const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

function readObject(bucket: string, key: string, versionId: string | undefined, site: CallSite, call?: SdkCall): RequiredPermission[] {
  const permissions: RequiredPermission[] = [{ action: versionId ? 's3:GetObjectVersion' : 's3:GetObject', resource: objectArn(bucket, key) }];
  // S3 answers a missing object with 404 only to a caller allowed to list the
  // bucket, with 403 AccessDenied to any other (S3 API reference, GetObject and
  // HeadObject): code that tells "missing" from "refused" needs s3:ListBucket.
  if (call && isMissingObject(call.error)) {
    permissions.push({ action: 's3:ListBucket', resource: `arn:aws:s3:::${bucket}`, context: { 's3:prefix': key }, because: 'the object is missing, and S3 says so (404) only to a caller allowed to list the bucket' });
  }
  const key_ = site.bucketKey(bucket);
  if (key_) {
    permissions.push({ action: 'kms:Decrypt', resource: key_, context: { 'kms:ViaService': s3Endpoint(bucket, site) }, because: `${bucket} encrypts objects with a KMS key` });
  }
  return permissions;
}

/**
 * The S3 endpoint that uses a bucket's key, as kms:ViaService names it: the
 * bucket's region, which for a copy from a bucket in another region is not
 * the region the request was sent to. S3's documented policy for
 * replicating SSE-KMS objects decrypts with kms:ViaService
 * s3.<source bucket's region> and encrypts with s3.<destination bucket's
 * region> (S3 User Guide, "Replicating encrypted objects"); a cross-region
 * CopyObject is taken to use keys the same way (no contract here settles it).
 */
function s3Endpoint(bucket: string, site: CallSite): string {
  return `s3.${site.bucketRegion?.(bucket) ?? site.region}.amazonaws.com`;
}

function isMissingObject(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchVersion';
}

function writeObject(bucket: string, key: string, site: CallSite): RequiredPermission[] {
  const permissions: RequiredPermission[] = [{ action: 's3:PutObject', resource: objectArn(bucket, key) }];
  const key_ = site.bucketKey(bucket);
  if (key_) {
    permissions.push({ action: 'kms:GenerateDataKey', resource: key_, context: { 'kms:ViaService': s3Endpoint(bucket, site) }, because: `${bucket} encrypts objects with a KMS key` });
  }
  return permissions;
}

/** A CopySource: `bucket/key` or `bucket/key?versionId=...`, URL-encoded. */
function copySource(value: string): { bucket: string; key: string; versionId?: string } {
  const [path, query] = String(value).replace(/^\//, '').split('?');
  const decoded = decodeURIComponent(path);
  const slash = decoded.indexOf('/');
  const versionId = query ? new URLSearchParams(query).get('versionId') ?? undefined : undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/** Application Auto Scaling: a scalable target's ARN ends in a generated ID; the endpoint's variant stands in for it. */
function scalableTarget(input: any, site: CallSite, action: string, extra: { [key: string]: string | string[] } = {}): RequiredPermission {
  const id = Buffer.from(String(input.ResourceId)).toString('hex').slice(0, 32);
  return {
    action,
    resource: `arn:aws:application-autoscaling:${site.region}:${site.account}:scalable-target/${id}`,
    context: {
      'application-autoscaling:service-namespace': input.ServiceNamespace,
      'application-autoscaling:scalable-dimension': input.ScalableDimension,
      ...resourceTags(site.scalableTargetTags(input.ResourceId)),
      ...extra,
    },
  };
}

function resourceTags(tags: { [key: string]: string } | undefined): { [key: string]: string } {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}

/** What Application Auto Scaling checks the caller may do to a SageMaker variant itself. */
function variantValidation(input: any, site: CallSite): RequiredPermission[] {
  const endpoint = sagemakerArn(site, 'endpoint', endpointOfVariant(input.ResourceId));
  const because = 'Application Auto Scaling validates that the caller may read and resize the variant';
  return [
    { action: 'sagemaker:UpdateEndpointWeightsAndCapacities', resource: endpoint, because },
    { action: 'sagemaker:DescribeEndpoint', resource: endpoint, because },
  ];
}

/** The SageMaker endpoint a variant's ResourceId (`endpoint/<name>/variant/<variant>`) belongs to. */
function endpointOfVariant(resourceId: string): string {
  return String(resourceId).split('/')[1];
}

const stackArn = (site: CallSite, nameOrId: string) => (String(nameOrId).startsWith('arn:')
  ? String(nameOrId)
  : `arn:aws:cloudformation:${site.region}:${site.account}:stack/${nameOrId}/*`);

/** CloudFormation fetches a TemplateURL with the caller's own credentials. */
function templateRead(url: string | undefined): RequiredPermission[] {
  if (!url) return [];
  const match = /^https:\/\/([^.]+)\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com\/(.+)$/.exec(url) ?? /^https:\/\/s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com\/([^/]+)\/(.+)$/.exec(url);
  if (!match) return [];
  return [{ action: 's3:GetObject', resource: objectArn(match[1], decodeURIComponent(match[2])), because: 'CloudFormation reads the template with the caller\'s credentials' }];
}

function stackChange(action: string): Rule {
  return (input, site) => [
    {
      action,
      resource: stackArn(site, input.StackName),
      context: {
        ...(input.TemplateURL ? { 'cloudformation:TemplateUrl': input.TemplateURL } : {}),
        ...(input.RoleARN ? { 'cloudformation:RoleArn': input.RoleARN } : {}),
        ...tagContext(input.Tags),
      },
    },
    ...(input.RoleARN ? [passRole(input.RoleARN, 'cloudformation.amazonaws.com')] : []),
    ...templateRead(input.TemplateURL),
  ];
}

const RULES: { readonly [service: string]: { readonly [operation: string]: Rule } } = {
  'S3': {
    HeadObject: (input, site, call) => readObject(input.Bucket, input.Key, input.VersionId, site, call),
    GetObject: (input, site, call) => readObject(input.Bucket, input.Key, input.VersionId, site, call),
    PutObject: (input, site) => writeObject(input.Bucket, input.Key, site),
    CopyObject: (input, site) => {
      const source = copySource(input.CopySource);
      return [...writeObject(input.Bucket, input.Key, site), ...readObject(source.bucket, source.key, source.versionId, site)];
    },
    CreateMultipartUpload: (input, site) => writeObject(input.Bucket, input.Key, site),
    UploadPartCopy: (input, site) => {
      const source = copySource(input.CopySource);
      return [...writeObject(input.Bucket, input.Key, site), ...readObject(source.bucket, source.key, source.versionId, site)];
    },
    CompleteMultipartUpload: (input, site) => writeObject(input.Bucket, input.Key, site),
    AbortMultipartUpload: (input) => [{ action: 's3:AbortMultipartUpload', resource: objectArn(input.Bucket, input.Key) }],
    ListObjectsV2: (input) => [{ action: 's3:ListBucket', resource: `arn:aws:s3:::${input.Bucket}`, context: optional('s3:prefix', input.Prefix) }],
  },
  'SageMaker': {
    CreateModel: sagemakerCreate('model', 'ModelName', 'ExecutionRoleArn'),
    DescribeModel: sagemakerOn('model', 'ModelName', 'DescribeModel'),
    // A registry release names the package version by ARN (the group may be another account's); a bare name is this account's.
    DescribeModelPackage: (input, site) => [{
      action: 'sagemaker:DescribeModelPackage',
      resource: String(input.ModelPackageName).startsWith('arn:') ? String(input.ModelPackageName).toLowerCase() : sagemakerArn(site, 'model-package', input.ModelPackageName),
    }],
    DeleteModel: sagemakerOn('model', 'ModelName', 'DeleteModel'),
    ListModels: onNothing('sagemaker:ListModels'),
    CreateEndpointConfig: sagemakerCreate('endpoint-config', 'EndpointConfigName'),
    DescribeEndpointConfig: sagemakerOn('endpoint-config', 'EndpointConfigName', 'DescribeEndpointConfig'),
    DeleteEndpointConfig: sagemakerOn('endpoint-config', 'EndpointConfigName', 'DeleteEndpointConfig'),
    ListEndpointConfigs: onNothing('sagemaker:ListEndpointConfigs'),
    // Creating or updating an endpoint is authorized on the endpoint and on the config it takes.
    CreateEndpoint: (input, site, call) => [
      ...sagemakerCreate('endpoint', 'EndpointName')(input, site, call),
      { action: 'sagemaker:CreateEndpoint', resource: sagemakerArn(site, 'endpoint-config', input.EndpointConfigName) },
    ],
    UpdateEndpoint: (input, site) => [
      { action: 'sagemaker:UpdateEndpoint', resource: sagemakerArn(site, 'endpoint', input.EndpointName) },
      { action: 'sagemaker:UpdateEndpoint', resource: sagemakerArn(site, 'endpoint-config', input.EndpointConfigName) },
    ],
    DescribeEndpoint: sagemakerOn('endpoint', 'EndpointName', 'DescribeEndpoint'),
    DeleteEndpoint: sagemakerOn('endpoint', 'EndpointName', 'DeleteEndpoint'),
    CreateTransformJob: sagemakerCreate('transform-job', 'TransformJobName'),
    CreateTrainingJob: sagemakerCreate('training-job', 'TrainingJobName', 'RoleArn'),
    DescribeTrainingJob: sagemakerOn('training-job', 'TrainingJobName', 'DescribeTrainingJob'),
    // A group's version is the model package <group>/<version>, numbered by SageMaker: the answer names it
    // (a refused call has none; any version of the group stands for it). The approval status is a condition key.
    CreateModelPackage: (input, site, call) => [{
      action: 'sagemaker:CreateModelPackage',
      resource: String((call.output as { ModelPackageArn?: string } | undefined)?.ModelPackageArn ?? sagemakerArn(site, 'model-package', `${input.ModelPackageGroupName}/1`)).toLowerCase(),
      context: input.ModelApprovalStatus ? { 'sagemaker:ModelApprovalStatus': String(input.ModelApprovalStatus) } : undefined,
    }],
    DescribeTransformJob: sagemakerOn('transform-job', 'TransformJobName', 'DescribeTransformJob'),
    CreateProcessingJob: sagemakerCreate('processing-job', 'ProcessingJobName', 'RoleArn'),
    DescribeProcessingJob: sagemakerOn('processing-job', 'ProcessingJobName', 'DescribeProcessingJob'),
    CreateDataQualityJobDefinition: sagemakerCreate('data-quality-job-definition', 'JobDefinitionName', 'RoleArn'),
    DescribeDataQualityJobDefinition: sagemakerOn('data-quality-job-definition', 'JobDefinitionName', 'DescribeDataQualityJobDefinition'),
    DeleteDataQualityJobDefinition: sagemakerOn('data-quality-job-definition', 'JobDefinitionName', 'DeleteDataQualityJobDefinition'),
    ListDataQualityJobDefinitions: onNothing('sagemaker:ListDataQualityJobDefinitions'),
    CreateModelQualityJobDefinition: sagemakerCreate('model-quality-job-definition', 'JobDefinitionName', 'RoleArn'),
    DescribeModelQualityJobDefinition: sagemakerOn('model-quality-job-definition', 'JobDefinitionName', 'DescribeModelQualityJobDefinition'),
    DeleteModelQualityJobDefinition: sagemakerOn('model-quality-job-definition', 'JobDefinitionName', 'DeleteModelQualityJobDefinition'),
    ListModelQualityJobDefinitions: onNothing('sagemaker:ListModelQualityJobDefinitions'),
    CreateMonitoringSchedule: sagemakerCreate('monitoring-schedule', 'MonitoringScheduleName'),
    DescribeMonitoringSchedule: sagemakerOn('monitoring-schedule', 'MonitoringScheduleName', 'DescribeMonitoringSchedule'),
    UpdateMonitoringSchedule: sagemakerOn('monitoring-schedule', 'MonitoringScheduleName', 'UpdateMonitoringSchedule'),
    DeleteMonitoringSchedule: sagemakerOn('monitoring-schedule', 'MonitoringScheduleName', 'DeleteMonitoringSchedule'),
    ListMonitoringSchedules: onNothing('sagemaker:ListMonitoringSchedules'),
    ListMonitoringExecutions: onNothing('sagemaker:ListMonitoringExecutions'),
  },
  'SageMaker Runtime': {
    InvokeEndpoint: (input, site) => [{ action: 'sagemaker:InvokeEndpoint', resource: sagemakerArn(site, 'endpoint', input.EndpointName) }],
  },
  'Application Auto Scaling': {
    DescribeScalableTargets: onNothing('application-autoscaling:DescribeScalableTargets'),
    // Application Auto Scaling validates that the caller itself may read and
    // resize the variant, on registering and on putting a policy (its guide's
    // "Permissions validation for API calls on target resources").
    RegisterScalableTarget: (input, site) => [
      scalableTarget(input, site, 'application-autoscaling:RegisterScalableTarget', tagContext(input.Tags)),
      ...(input.Tags && Object.keys(input.Tags).length
        ? [{ ...scalableTarget(input, site, 'application-autoscaling:TagResource', tagContext(input.Tags)), because: 'the registration carries tags' }]
        : []),
      ...variantValidation(input, site),
    ],
    DeregisterScalableTarget: (input, site) => [scalableTarget(input, site, 'application-autoscaling:DeregisterScalableTarget')],
    PutScalingPolicy: (input, site) => [
      scalableTarget(input, site, 'application-autoscaling:PutScalingPolicy'),
      ...variantValidation(input, site),
      // Target tracking makes its alarms with the caller's permission, named TargetTracking-<resource ID>-AlarmHigh/Low-<UUID>.
      ...(input.PolicyType === 'TargetTrackingScaling'
        ? ['AlarmHigh', 'AlarmLow'].flatMap((side) => ['cloudwatch:PutMetricAlarm', 'cloudwatch:DescribeAlarms'].map((action) => ({
          action,
          resource: `arn:aws:cloudwatch:${site.region}:${site.account}:alarm:TargetTracking-${input.ResourceId}-${side}-00000000-0000-4000-8000-000000000000`,
          because: 'target tracking creates its alarms with the caller\'s permission',
        })))
        : []),
    ],
  },
  'CloudWatch': {
    PutMetricData: (input) => [{ action: 'cloudwatch:PutMetricData', resource: '*', context: { 'cloudwatch:namespace': input.Namespace } }],
  },
  'CloudFormation': {
    CreateStack: stackChange('cloudformation:CreateStack'),
    UpdateStack: stackChange('cloudformation:UpdateStack'),
    DeleteStack: (input, site) => [
      { action: 'cloudformation:DeleteStack', resource: stackArn(site, input.StackName), context: optional('cloudformation:RoleArn', input.RoleARN) },
      ...(input.RoleARN ? [passRole(input.RoleARN, 'cloudformation.amazonaws.com')] : []),
    ],
    DescribeStacks: (input, site) => [{ action: 'cloudformation:DescribeStacks', resource: input.StackName ? stackArn(site, input.StackName) : '*' }],
    DescribeStackResources: (input, site) => [{ action: 'cloudformation:DescribeStackResources', resource: stackArn(site, input.StackName) }],
    ListStacks: onNothing('cloudformation:ListStacks'),
  },
  'CodeBuild': {
    StartBuild: (input, site) => [{ action: 'codebuild:StartBuild', resource: `arn:aws:codebuild:${site.region}:${site.account}:project/${input.projectName}` }],
    // A build ID is `<project>:<uuid>`.
    BatchGetBuilds: (input, site) => [...new Set<string>((input.ids ?? []).map((id: string) => id.split(':')[0]))]
      .map((project) => ({ action: 'codebuild:BatchGetBuilds', resource: `arn:aws:codebuild:${site.region}:${site.account}:project/${project}` })),
  },
  'CodePipeline': {
    PutJobSuccessResult: onNothing('codepipeline:PutJobSuccessResult'),
    PutJobFailureResult: onNothing('codepipeline:PutJobFailureResult'),
    GetJobDetails: onNothing('codepipeline:GetJobDetails'),
    GetPipelineState: (input, site) => [{ action: 'codepipeline:GetPipelineState', resource: `arn:aws:codepipeline:${site.region}:${site.account}:${input.name}` }],
    ListPipelineExecutions: (input, site) => [{ action: 'codepipeline:ListPipelineExecutions', resource: `arn:aws:codepipeline:${site.region}:${site.account}:${input.pipelineName}` }],
  },
  'SSM': {
    GetParameter: (input, site) => [{ action: 'ssm:GetParameter', resource: `arn:aws:ssm:${site.region}:${site.account}:parameter/${String(input.Name).replace(/^\//, '')}` }],
    PutParameter: (input, site) => [{ action: 'ssm:PutParameter', resource: `arn:aws:ssm:${site.region}:${site.account}:parameter/${String(input.Name).replace(/^\//, '')}` }],
  },
  'STS': {
    AssumeRole: (input) => [
      { action: 'sts:AssumeRole', resource: input.RoleArn, context: tagContext(input.Tags) },
      ...(input.Tags?.length ? [{ action: 'sts:TagSession', resource: input.RoleArn, context: tagContext(input.Tags), because: 'the session carries tags' }] : []),
    ],
    GetCallerIdentity: () => [],
  },
  'SNS': {
    Publish: (input, site) => {
      const key = site.topicKey(input.TopicArn);
      return [
        { action: 'sns:Publish', resource: input.TopicArn },
        ...(key ? [
          { action: 'kms:GenerateDataKey', resource: key, because: 'the topic is encrypted with a KMS key' },
          { action: 'kms:Decrypt', resource: key, because: 'the topic is encrypted with a KMS key' },
        ] : []),
      ];
    },
  },
  'API Gateway': {
    GetRestApis: (_input, site) => [{ action: 'apigateway:GET', resource: `arn:aws:apigateway:${site.region}::/restapis` }],
    UpdateStage: (input, site) => [{ action: 'apigateway:PATCH', resource: `arn:aws:apigateway:${site.region}::/restapis/${input.restApiId}/stages/${input.stageName}` }],
    GetStage: (input, site) => [{ action: 'apigateway:GET', resource: `arn:aws:apigateway:${site.region}::/restapis/${input.restApiId}/stages/${input.stageName}` }],
  },
};
