import { CfnMapping, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Framework } from './framework';
import { frameworkImageUri, lookupFrameworkImage } from './framework-catalog';

/** What an environment tells the image when binding it. */
export interface ModelImageBindOptions {
  /** The role SageMaker uses to pull the image. */
  readonly role: iam.IRole;
  /**
   * The instance type the image will run on; it chooses between CPU and GPU builds.
   * @default - serverless, which runs CPU images
   */
  readonly instanceType?: string;
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
      throw new Error(`image: ${JSON.stringify(tagOrDigest)} is neither an ECR image tag nor a sha256 digest`);
    }
    return new EcrImage(repository, tagOrDigest);
  }

  /** Resolves the image for one environment and grants its SageMaker role what pulling it needs. */
  public abstract bind(scope: Construct, options: ModelImageBindOptions): ModelImageConfig;
}

const GPU_INSTANCE = /^ml\.(p\d|g\d)/;
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
}

class FrameworkImage extends ModelImage {
  constructor(private readonly framework: Framework, private readonly version: string) {
    super();
  }

  public bind(scope: Construct, options: ModelImageBindOptions): ModelImageConfig {
    const processor = options.instanceType && GPU_INSTANCE.test(options.instanceType) ? 'gpu' : 'cpu';
    const query = { framework: this.framework.id, version: this.version, processor };
    const image = lookupFrameworkImage(query);
    const stack = Stack.of(scope);

    let imageUri: string;
    let registryAccount: string;
    if (!Token.isUnresolved(stack.region)) {
      imageUri = frameworkImageUri(query, stack.region);
      registryAccount = image.accounts[stack.region];
    } else {
      // An environment-agnostic stack: look the registry account up per region at deploy time.
      const mappingId = `MlopsImageRegistry${this.framework.id.replace(/[^a-zA-Z0-9]/g, '')}`;
      const mapping = (stack.node.tryFindChild(mappingId) as CfnMapping | undefined) ?? new CfnMapping(stack, mappingId, {
        mapping: Object.fromEntries(Object.entries(image.accounts).map(([region, account]) => [region, { account }])),
      });
      registryAccount = mapping.findInMap(stack.region, 'account');
      imageUri = Fn.join('', [registryAccount, '.dkr.ecr.', stack.region, '.', stack.urlSuffix, `/${image.repository}:${image.tag}`]);
    }
    options.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
      resources: [stack.formatArn({ service: 'ecr', account: registryAccount, resource: 'repository', resourceName: image.repository })],
    }));
    return { imageUri };
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
