import { CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ContainerImageBuild } from './container-build';
import { Framework } from './framework';
import { ImageBuild, ImageBuildContext } from './image-build';
import { frameworkImageUri, lookupFrameworkImage, processorFor } from '../../catalog/framework-catalog';
import { MlopsValidationError } from '../../errors/validation-error';
import { isVersioned } from '../bucket-versioning';

/** What an environment tells the image when binding it. */
export interface ModelImageBindOptions {
  /** The role SageMaker uses to pull the image. */
  readonly role: iam.IRole;
  /**
   * The instance type the image will run on; it chooses between CPU and GPU builds.
   * @default - serverless, which runs CPU images
   */
  readonly instanceType?: string;
  /**
   * The region SageMaker runs the image in, when it is not the scope's
   * (an environment in another region); it chooses a framework image's registry.
   * @default - the region of the scope's stack
   */
  readonly region?: string;
}

/** The result of binding an image to an environment. */
export interface ModelImageConfig {
  /** The full image URI SageMaker pulls (it may contain tokens). */
  readonly imageUri: string;
}

/** The inference container image a model runs in. */
export abstract class ModelImage {
  /**
   * A SageMaker built-in framework image, chosen for the stack's region and
   * for CPU or GPU from each environment's instance type. No build stage.
   *
   * @param framework e.g. `Framework.XGBOOST`
   * @param version the framework version as SageMaker publishes it, e.g. `1.7-1`
   */
  public static fromFramework(framework: Framework, version: string): ModelImage {
    // Fail at the call site for an unknown version, before any environment binds it.
    lookupFrameworkImage({ framework: framework.id, version, processor: 'cpu' });
    return new FrameworkImage(framework, version);
  }

  /**
   * Any image SageMaker can pull, by full URI. Grant the environments'
   * SageMaker roles (`executionRole`) access to a private registry yourself,
   * or use `fromEcrRepository`.
   *
   * @param uri e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:3`
   */
  public static fromImageUri(uri: string): ModelImage {
    return new UriImage(uri);
  }

  /**
   * An image in an ECR repository, by tag or by digest. The environments'
   * SageMaker roles are granted pull access to that repository only.
   *
   * A tag can be moved to another image later; a digest (`sha256:...`) pins
   * every release to the exact image.
   *
   * @param repository the repository
   * @param tagOrDigest e.g. `v3` or `sha256:0123...`
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest: string): ModelImage {
    if (!Token.isUnresolved(tagOrDigest) && !ECR_TAG.test(tagOrDigest) && !ECR_DIGEST.test(tagOrDigest)) {
      throw new MlopsValidationError(`image: ${JSON.stringify(tagOrDigest)} is neither an ECR image tag nor a sha256 digest`);
    }
    return new EcrImage(repository, tagOrDigest);
  }

  /**
   * A custom inference container built by the pipeline: a zip in a versioned
   * bucket holding a Dockerfile and whatever it copies. A Build stage builds
   * it with CodeBuild and pushes it to a private ECR repository the pipeline
   * creates; every environment then runs that image by digest. A new version
   * of the zip starts a release, as a new model artifact does.
   *
   * @param bucket the versioned bucket holding the zip
   * @param key the zip's key, e.g. `churn/container.zip`
   */
  public static fromContainerSource(bucket: s3.IBucket, key: string): ModelImage {
    if (!isVersioned(bucket)) {
      throw new MlopsValidationError('image: the container source bucket must have versioning enabled (CodePipeline\'s S3 source needs object versions)');
    }
    if (!Token.isUnresolved(key) && (key.length === 0 || key.startsWith('/'))) {
      throw new MlopsValidationError(`image: container source key ${JSON.stringify(key)} must be a non-empty S3 key without a leading "/"`);
    }
    return new ContainerSourceImage(bucket, key);
  }

  /**
   * Adds what the image needs to the pipeline before any environment binds it:
   * nothing for a ready-made image, a source and a build for a container source.
   * @internal
   */
  public _build(_scope: Construct, _context: ImageBuildContext): ImageBuild | undefined {
    return undefined;
  }

  /** Resolves the image for one environment and grants its SageMaker role what pulling it needs. */
  public abstract bind(scope: Construct, options: ModelImageBindOptions): ModelImageConfig;

  /**
   * Binds the image for an environment in another account than the
   * pipeline's (see `MlopsEnvironmentAccess`): grants the role there what it
   * needs to pull, without referring to the pipeline stack's resources.
   * @internal
   */
  public _bindInEnvironmentAccount(scope: Construct, options: ModelImageBindOptions, _pipelineAccount: string): ModelImageConfig {
    return this.bind(scope, options);
  }

  /**
   * Whether the pipeline builds the image (in its own account and region).
   * @internal
   */
  public get _builtByPipeline(): boolean {
    return false;
  }
}

/**
 * Pull permissions on the repositories of the pipeline's account in the
 * role's region. The repository there has a generated name; its own policy,
 * which the pipeline grants, names the role, so only that one can be pulled.
 */
function grantPullFromPipelineAccount(scope: Construct, role: iam.IRole, pipelineAccount: string): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
    resources: [Stack.of(scope).formatArn({ service: 'ecr', account: pipelineAccount, resource: 'repository', resourceName: '*' })],
  }));
  // Registry authorization tokens are not tied to a repository: AWS requires '*'.
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
}

/** ECR's rules for an image tag and a digest. */
const ECR_TAG = /^[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}$/;
const ECR_DIGEST = /^sha256:[a-f0-9]{64}$/;

class EcrImage extends ModelImage {
  constructor(private readonly repository: ecr.IRepository, private readonly tagOrDigest: string) {
    super();
  }

  public bind(_scope: Construct, options: ModelImageBindOptions): ModelImageConfig {
    this.repository.grantPull(options.role);
    const imageUri = this.tagOrDigest.startsWith('sha256:')
      ? this.repository.repositoryUriForDigest(this.tagOrDigest)
      : this.repository.repositoryUriForTag(this.tagOrDigest);
    return { imageUri };
  }

  public _bindInEnvironmentAccount(scope: Construct, options: ModelImageBindOptions, pipelineAccount: string): ModelImageConfig {
    grantPullFromPipelineAccount(scope, options.role, pipelineAccount);
    // The URI is the pipeline's business (it hands it to SageMaker); the environment's side never uses it.
    return { imageUri: '' };
  }
}

class FrameworkImage extends ModelImage {
  constructor(private readonly framework: Framework, private readonly version: string) {
    super();
  }

  public bind(scope: Construct, options: ModelImageBindOptions): ModelImageConfig {
    const processor = processorFor(options.instanceType);
    const query = { framework: this.framework.id, version: this.version, processor };
    const image = lookupFrameworkImage(query);
    const stack = Stack.of(scope);
    const region = options.region ?? stack.region;

    let imageUri: string;
    let registryAccount: string;
    if (!Token.isUnresolved(region)) {
      imageUri = frameworkImageUri(query, region);
      registryAccount = image.accounts[region];
    } else {
      // An environment-agnostic stack: look the registry account up per region at deploy time.
      const mappingId = `MlopsImageRegistry${this.framework.id.replace(/[^a-zA-Z0-9]/g, '')}`;
      const mapping = (stack.node.tryFindChild(mappingId) as CfnMapping | undefined) ?? new CfnMapping(stack, mappingId, {
        mapping: Object.fromEntries(Object.entries(image.accounts).map(([inRegion, account]) => [inRegion, { account }])),
      });
      registryAccount = mapping.findInMap(stack.region, 'account');
      imageUri = Fn.join('', [registryAccount, '.dkr.ecr.', stack.region, '.', stack.urlSuffix, `/${image.repository}:${image.tag}`]);
    }
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [stack.formatArn({ service: 'ecr', region, account: registryAccount, resource: 'repository', resourceName: image.repository })],
    }));
    return { imageUri };
  }
}

class ContainerSourceImage extends ModelImage {
  private build?: ContainerImageBuild;

  public get _builtByPipeline(): boolean {
    return true;
  }

  constructor(private readonly bucket: s3.IBucket, private readonly key: string) {
    super();
  }

  public _build(scope: Construct, context: ImageBuildContext): ImageBuild {
    this.build = new ContainerImageBuild(scope, 'ContainerBuild', { ...context, keepImages: 20 });
    const sourceOutput = new codepipeline.Artifact('Container');
    const sourceAction = new actions.S3SourceAction({
      actionName: 'ContainerSource',
      bucket: this.bucket,
      bucketKey: this.key,
      output: sourceOutput,
      trigger: actions.S3Trigger.NONE,
      variablesNamespace: 'ContainerSource',
    });
    const buildAction = new actions.CodeBuildAction({
      actionName: 'BuildImage',
      project: this.build.project,
      input: sourceOutput,
      variablesNamespace: 'Build',
      environmentVariables: { SOURCE_VERSION: { value: sourceAction.variables.versionId } },
    });
    return { source: this.bucket, sourceKey: this.key, sourceAction, buildAction, imageUriVariable: buildAction.variable('IMAGE_URI') };
  }

  public bind(_scope: Construct, options: ModelImageBindOptions): ModelImageConfig {
    if (!this.build) {
      throw new MlopsValidationError('image: a container source image is bound by ByomPipeline, which builds it first');
    }
    this.build.repository.grantPull(options.role);
    // The deploy action passes the built image by digest; this names its repository.
    return { imageUri: this.build.repository.repositoryUri };
  }

  public _bindInEnvironmentAccount(scope: Construct, options: ModelImageBindOptions, pipelineAccount: string): ModelImageConfig {
    grantPullFromPipelineAccount(scope, options.role, pipelineAccount);
    // The URI is the pipeline's business (it hands it to SageMaker); the environment's side never uses it.
    return { imageUri: '' };
  }
}

class UriImage extends ModelImage {
  constructor(private readonly uri: string) {
    super();
  }

  public bind(_scope: Construct, _options: ModelImageBindOptions): ModelImageConfig {
    return { imageUri: this.uri };
  }
}
