/**
 * A request that botocore's model accepts, for each operation the code in src/
 * sends (`new XCommand(` in src/), by SDK client package and command name:
 * the moto launcher's contract check must let every one of them through.
 * Names and values are the kind the handlers send; the resources need not
 * exist (the check comes before moto looks for them).
 */
const ACCOUNT = '123456789012';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/mlops-sagemaker`;
const JOB_ID = '0123abcd-4567-89ef-0123-456789abcdef';
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const MONITOR_IMAGE = '156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer';
const CLUSTER = { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 20 } as const;
const MONITOR_OUTPUT = {
  MonitoringOutputs: [{ S3Output: { S3Uri: 's3://mlops-assets/monitoring/reports', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }],
} as const;
const ENDPOINT_INPUT = { EndpointName: 'churn-dev', LocalPath: '/opt/ml/processing/input/endpoint' } as const;

type Requests = Readonly<Record<string, Record<string, unknown>>>;

export const VALID_REQUESTS: Readonly<Record<string, Requests>> = {
  // SageMaker (awsJson1_1)
  '@aws-sdk/client-sagemaker': {
    CreateModelCommand: { ModelName: 'churn-dev-r1', ExecutionRoleArn: ROLE, PrimaryContainer: { Image: IMAGE, ModelDataUrl: 's3://mlops-assets/churn/model.tar.gz', Environment: { SAGEMAKER_PROGRAM: 'inference.py' } }, Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }] },
    CreateEndpointConfigCommand: { EndpointConfigName: 'churn-dev-r1', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'churn-dev-r1', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }], DataCaptureConfig: { InitialSamplingPercentage: 20, DestinationS3Uri: 's3://mlops-assets/capture', CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }] } },
    CreateEndpointCommand: { EndpointName: 'churn-dev', EndpointConfigName: 'churn-dev-r1' },
    UpdateEndpointCommand: { EndpointName: 'churn-dev', EndpointConfigName: 'churn-dev-r2', DeploymentConfig: { BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 } }, AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'churn-dev-errors' }] } } },
    DescribeEndpointCommand: { EndpointName: 'churn-dev' },
    DeleteEndpointCommand: { EndpointName: 'churn-dev' },
    DeleteEndpointConfigCommand: { EndpointConfigName: 'churn-dev-r1' },
    DeleteModelCommand: { ModelName: 'churn-dev-r1' },
    ListModelsCommand: { NameContains: 'churn-dev', MaxResults: 100 },
    ListEndpointConfigsCommand: { NameContains: 'churn-dev', MaxResults: 100, SortBy: 'CreationTime', SortOrder: 'Descending' },
    CreateTransformJobCommand: {
      TransformJobName: 'churn-scoring-r1',
      ModelName: 'churn-scoring-r1',
      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://mlops-assets/batch/input/' } }, ContentType: 'text/csv', SplitType: 'Line' },
      TransformOutput: { S3OutputPath: 's3://mlops-assets/batch/output/' },
      TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
    },
    DescribeTransformJobCommand: { TransformJobName: 'churn-scoring-r1' },
    CreateTrainingJobCommand: {
      TrainingJobName: 'churn-train-0123abcd',
      RoleArn: ROLE,
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
      HyperParameters: { num_round: '100' },
      InputDataConfig: [{
        ChannelName: 'train',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://mlops-assets/training-data/churn-train-0123abcd/train/', S3DataDistributionType: 'FullyReplicated' } },
        ContentType: 'text/csv',
      }],
      OutputDataConfig: { S3OutputPath: 's3://mlops-assets/training-output/' },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 43200, MaxWaitTimeInSeconds: 86400 },
      Tags: [{ Key: 'mlops:pipeline', Value: 'churn-training' }],
      EnableManagedSpotTraining: true,
      CheckpointConfig: { S3Uri: 's3://mlops-assets/training-checkpoints/churn-train-0123abcd/' },
    },
    DescribeTrainingJobCommand: { TrainingJobName: 'churn-train-0123abcd' },
    CreateModelPackageCommand: {
      ModelPackageGroupName: 'churn',
      ModelPackageDescription: 'Trained by churn-training (training job churn-train-0123abcd)',
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: IMAGE, ModelDataUrl: 's3://mlops-assets/training-output/churn-train-0123abcd/output/model.tar.gz' }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      CustomerMetadataProperties: { 'mlops:training-job': 'churn-train-0123abcd' },
      ClientToken: 'churn-train-0123abcd',
    },
    DescribeModelPackageCommand: { ModelPackageName: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/churn/1` },
    CreateProcessingJobCommand: {
      ProcessingJobName: 'churn-prod-baseline-r1',
      RoleArn: ROLE,
      AppSpecification: { ImageUri: MONITOR_IMAGE },
      ProcessingResources: { ClusterConfig: CLUSTER },
      ProcessingInputs: [{ InputName: 'baseline_dataset_input', S3Input: { S3Uri: 's3://mlops-assets/baseline.csv', LocalPath: '/opt/ml/processing/input/baseline_dataset_input', S3DataType: 'S3Prefix', S3InputMode: 'File' } }],
      ProcessingOutputConfig: { Outputs: [{ OutputName: 'monitoring_output', S3Output: { S3Uri: 's3://mlops-assets/baseline/', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
      Environment: { dataset_format: '{"csv": {"header": true}}', dataset_source: '/opt/ml/processing/input/baseline_dataset_input', output_path: '/opt/ml/processing/output' },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
    DescribeProcessingJobCommand: { ProcessingJobName: 'churn-prod-baseline-r1' },
    CreateDataQualityJobDefinitionCommand: {
      JobDefinitionName: 'churn-prod-data-quality-r1',
      DataQualityAppSpecification: { ImageUri: MONITOR_IMAGE },
      DataQualityBaselineConfig: { ConstraintsResource: { S3Uri: 's3://mlops-assets/baseline/constraints.json' }, StatisticsResource: { S3Uri: 's3://mlops-assets/baseline/statistics.json' } },
      DataQualityJobInput: { EndpointInput: ENDPOINT_INPUT },
      DataQualityJobOutputConfig: MONITOR_OUTPUT,
      JobResources: { ClusterConfig: CLUSTER },
      RoleArn: ROLE,
      StoppingCondition: { MaxRuntimeInSeconds: 1800 },
    },
    CreateModelQualityJobDefinitionCommand: {
      JobDefinitionName: 'churn-prod-model-quality-r1',
      ModelQualityAppSpecification: { ImageUri: MONITOR_IMAGE, ProblemType: 'BinaryClassification' },
      ModelQualityJobInput: { EndpointInput: { ...ENDPOINT_INPUT, InferenceAttribute: '0' }, GroundTruthS3Input: { S3Uri: 's3://mlops-assets/ground-truth/' } },
      ModelQualityJobOutputConfig: MONITOR_OUTPUT,
      JobResources: { ClusterConfig: CLUSTER },
      RoleArn: ROLE,
    },
    DescribeDataQualityJobDefinitionCommand: { JobDefinitionName: 'churn-prod-data-quality-r1' },
    DescribeModelQualityJobDefinitionCommand: { JobDefinitionName: 'churn-prod-model-quality-r1' },
    ListDataQualityJobDefinitionsCommand: { NameContains: 'churn-prod-data-quality', MaxResults: 100 },
    ListModelQualityJobDefinitionsCommand: { NameContains: 'churn-prod-model-quality', MaxResults: 100 },
    DeleteDataQualityJobDefinitionCommand: { JobDefinitionName: 'churn-prod-data-quality-r1' },
    DeleteModelQualityJobDefinitionCommand: { JobDefinitionName: 'churn-prod-model-quality-r1' },
    CreateMonitoringScheduleCommand: {
      MonitoringScheduleName: 'churn-prod-data-quality',
      MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'churn-prod-data-quality-r1', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } },
    },
    UpdateMonitoringScheduleCommand: {
      MonitoringScheduleName: 'churn-prod-data-quality',
      MonitoringScheduleConfig: { MonitoringJobDefinitionName: 'churn-prod-data-quality-r2', MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 0 ? * * *)' } },
    },
    DescribeMonitoringScheduleCommand: { MonitoringScheduleName: 'churn-prod-data-quality' },
    DeleteMonitoringScheduleCommand: { MonitoringScheduleName: 'churn-prod-data-quality' },
    ListMonitoringExecutionsCommand: { MonitoringScheduleName: 'churn-prod-data-quality', SortBy: 'ScheduledTime', SortOrder: 'Descending', MaxResults: 1 },
  },
  // SageMaker Runtime (restJson1)
  '@aws-sdk/client-sagemaker-runtime': {
    InvokeEndpointCommand: { EndpointName: 'churn-dev', ContentType: 'text/csv', Accept: 'application/json', Body: new TextEncoder().encode('1,2,3') },
  },
  // S3 (restXml, path-style)
  '@aws-sdk/client-s3': {
    HeadObjectCommand: { Bucket: 'mlops-assets', Key: 'churn/model.tar.gz', VersionId: 'null' },
    GetObjectCommand: { Bucket: 'mlops-assets', Key: 'churn/model.tar.gz' },
    PutObjectCommand: { Bucket: 'mlops-assets', Key: 'churn/release-request.json', Body: '{"modelPackageArn":"arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1"}', ContentType: 'application/json' },
    ListObjectsV2Command: { Bucket: 'mlops-assets', Prefix: 'batch/output/', MaxKeys: 1000 },
    CopyObjectCommand: { Bucket: 'mlops-assets', Key: 'releases/churn/r1/model.tar.gz', CopySource: 'mlops-assets/churn/model.tar.gz?versionId=null' },
    CreateMultipartUploadCommand: { Bucket: 'mlops-assets', Key: 'releases/churn/r1/big.tar.gz' },
    UploadPartCopyCommand: { Bucket: 'mlops-assets', Key: 'releases/churn/r1/big.tar.gz', UploadId: 'upload-1', PartNumber: 1, CopySource: 'mlops-assets/churn/big.tar.gz', CopySourceRange: 'bytes=0-5242879' },
    CompleteMultipartUploadCommand: { Bucket: 'mlops-assets', Key: 'releases/churn/r1/big.tar.gz', UploadId: 'upload-1', MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"etag-1"' }] } },
    AbortMultipartUploadCommand: { Bucket: 'mlops-assets', Key: 'releases/churn/r1/big.tar.gz', UploadId: 'upload-1' },
  },
  // SSM (awsJson1_1)
  '@aws-sdk/client-ssm': {
    GetParameterCommand: { Name: '/mlops/churn/dev/release' },
    PutParameterCommand: { Name: '/mlops/churn/dev/release', Value: '{"release":"r1"}', Type: 'String', Overwrite: true },
  },
  // Application Auto Scaling (awsJson1_1)
  '@aws-sdk/client-application-auto-scaling': {
    RegisterScalableTargetCommand: { ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/churn-prod/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 2, MaxCapacity: 8 },
    PutScalingPolicyCommand: {
      PolicyName: 'churn-prod-invocations',
      ServiceNamespace: 'sagemaker',
      ResourceId: 'endpoint/churn-prod/variant/AllTraffic',
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 500, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' } },
    },
    DescribeScalableTargetsCommand: { ServiceNamespace: 'sagemaker', ResourceIds: ['endpoint/churn-prod/variant/AllTraffic'], ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' },
    DeregisterScalableTargetCommand: { ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/churn-prod/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' },
  },
  // CodePipeline (awsJson1_1)
  '@aws-sdk/client-codepipeline': {
    GetJobDetailsCommand: { jobId: JOB_ID },
    PutJobSuccessResultCommand: { jobId: JOB_ID, continuationToken: '{"phase":"wait"}' },
    PutJobFailureResultCommand: { jobId: JOB_ID, failureDetails: { type: 'JobFailed', message: 'Endpoint churn-dev failed: image not found' } },
    GetPipelineStateCommand: { name: 'churn' },
    ListPipelineExecutionsCommand: { pipelineName: 'churn', maxResults: 20 },
  },
  // CodeBuild (awsJson1_1)
  '@aws-sdk/client-codebuild': {
    StartBuildCommand: { projectName: 'churn-dev-tests', environmentVariablesOverride: [{ name: 'ENDPOINT_NAME', value: 'churn-dev', type: 'PLAINTEXT' }], idempotencyToken: JOB_ID },
    BatchGetBuildsCommand: { ids: ['churn-dev-tests:0123abcd-4567-89ef-0123-456789abcdef'] },
  },
  // CloudWatch (awsJson1_0)
  '@aws-sdk/client-cloudwatch': {
    PutMetricDataCommand: { Namespace: 'MLOps/Monitoring', MetricData: [{ MetricName: 'Violations', Dimensions: [{ Name: 'Endpoint', Value: 'churn-prod' }], Value: 2, Unit: 'Count' }] },
  },
  // SNS (query)
  '@aws-sdk/client-sns': {
    PublishCommand: { TopicArn: `arn:aws:sns:us-east-1:${ACCOUNT}:mlops-notifications`, Subject: 'MLOps: config rejected', Message: 'config/churn.json: 2 problems' },
  },
  // API Gateway (restJson1)
  '@aws-sdk/client-api-gateway': {
    GetRestApisCommand: { limit: 500 },
    UpdateStageCommand: { restApiId: 'a1b2c3d4e5', stageName: 'v1', patchOperations: [{ op: 'replace', path: '/variables/endpointName', value: 'churn-dev' }] },
  },
  // CloudFormation (query)
  '@aws-sdk/client-cloudformation': {
    CreateStackCommand: {
      StackName: 'mlops-churn',
      TemplateURL: 'https://mlops-assets.s3.amazonaws.com/blueprints/realtime-1.template.json',
      Parameters: [{ ParameterKey: 'ModelName', ParameterValue: 'churn' }],
      Capabilities: ['CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      RoleARN: `arn:aws:iam::${ACCOUNT}:role/mlops-stack-role`,
      Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }],
      OnFailure: 'DELETE',
    },
    UpdateStackCommand: { StackName: 'mlops-churn', UsePreviousTemplate: true, Parameters: [{ ParameterKey: 'ModelName', UsePreviousValue: true }], Capabilities: ['CAPABILITY_NAMED_IAM'] },
    DescribeStacksCommand: { StackName: 'mlops-churn' },
    DeleteStackCommand: { StackName: 'mlops-churn', RoleARN: `arn:aws:iam::${ACCOUNT}:role/mlops-stack-role` },
  },
  // STS (query)
  '@aws-sdk/client-sts': {
    AssumeRoleCommand: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/mlops-churn-deploy`, RoleSessionName: 'mlops-provision', DurationSeconds: 900, Tags: [{ Key: 'mlops:pipeline', Value: 'churn' }] },
  },
};
