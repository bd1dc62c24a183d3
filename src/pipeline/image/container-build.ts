import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { justifyWildcards } from '../../nag/acknowledgements';

/** Props of a {@link ContainerImageBuild}. */
export interface ContainerImageBuildProps {
  /** Encrypts the build's artifacts and logs' exported data. */
  readonly encryptionKey: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** Images kept in the repository; older ones expire. */
  readonly keepImages: number;
}

/**
 * Builds a custom inference container from a Dockerfile zip and pushes it to
 * a private ECR repository: immutable tags derived from the source version,
 * scanned on push, old images expired. The build exports `IMAGE_URI`, the
 * pushed image by digest, so every environment runs the exact image built.
 */
export class ContainerImageBuild extends Construct {
  public readonly repository: ecr.Repository;
  public readonly project: codebuild.PipelineProject;

  constructor(scope: Construct, id: string, props: ContainerImageBuildProps) {
    super(scope, id);
    this.repository = new ecr.Repository(this, 'Repository', {
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: props.encryptionKey,
      lifecycleRules: [{ description: `Keep the newest ${props.keepImages} images`, maxImageCount: props.keepImages }],
      // Images serve live endpoints: deleting the stack must not pull them from under them.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention });
    this.project = new codebuild.PipelineProject(this, 'Project', {
      description: 'Builds the model\'s inference container and pushes it to ECR',
      environment: {
        buildImage: codebuild.LinuxBuildImage.AMAZON_LINUX_2_5,
        computeType: codebuild.ComputeType.SMALL,
        // Docker needs privileged mode to build images; nothing else runs here.
        privileged: true,
      },
      encryptionKey: props.encryptionKey,
      timeout: Duration.hours(1),
      logging: { cloudWatch: { logGroup } },
      environmentVariables: {
        REPOSITORY_URI: { value: this.repository.repositoryUri },
        REPOSITORY_NAME: { value: this.repository.repositoryName },
      },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        env: { 'exported-variables': ['IMAGE_URI'] },
        phases: {
          pre_build: {
            commands: [
              // ECR tags allow [A-Za-z0-9_.-]; S3 version IDs do not always fit, so the tag is their hash.
              'TAG=$(printf "%s" "$SOURCE_VERSION" | sha256sum | cut -c1-20)',
              'aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"',
            ],
          },
          build: {
            commands: [
              // Tags are immutable: a retried build of the same source reuses the pushed image.
              'if aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$TAG" >/dev/null 2>&1; then echo "Image $TAG exists"; else docker build -t "$REPOSITORY_URI:$TAG" . && docker push "$REPOSITORY_URI:$TAG"; fi',
            ],
          },
          post_build: {
            commands: [
              'DIGEST=$(aws ecr describe-images --repository-name "$REPOSITORY_NAME" --image-ids imageTag="$TAG" --query "imageDetails[0].imageDigest" --output text)',
              'export IMAGE_URI="$REPOSITORY_URI@$DIGEST"',
              'echo "Built $IMAGE_URI"',
            ],
          },
        },
      }),
    });
    this.repository.grantPullPush(this.project);
    this.project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['ecr:DescribeImages'],
      resources: [this.repository.repositoryArn],
    }));
    justifyWildcards(this, [
      { finding: /^Resource::\*$/, reason: 'ecr:GetAuthorizationToken, which docker login needs, supports no resource-level permissions' },
      { finding: /^Resource::arn:.*:logs:.*:log-group:\/aws\/codebuild\/<[A-Za-z0-9]+>:\*$/, reason: 'CodeBuild\'s standard grant on its own log streams' },
      { finding: /^Resource::arn:.*:codebuild:.*:report-group\/<[A-Za-z0-9]+>-\*$/, reason: 'CodeBuild\'s standard grant on its own report groups' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the build\'s own log group' },
      { finding: /^Action::kms:(GenerateDataKey|ReEncrypt)\*$/, reason: 'The build encrypts its artifacts and the pushed image with the pipeline\'s key' },
      { finding: /^Action::s3:(GetObject|GetBucket|List)\*$/, reason: 'CodePipeline\'s standard read grant on its artifact bucket, for the build\'s input' },
      { finding: /^Resource::<[A-Za-z0-9]+\.Arn>\/\*$/, reason: 'CodePipeline stores the build\'s input under keys it generates in its artifact bucket' },
    ]);
  }
}
