import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { isTrainingVersion, trainingFrameworkVersions } from '../../catalog/framework-catalog';
import { MlopsValidationError } from '../../errors/validation-error';
import { Framework } from '../image/framework';
import { ModelImage, ModelImageBindOptions, ModelImageConfig } from '../image/model-image';

/** The container image a training job runs: a built-in algorithm or the team's own. */
export abstract class TrainingImage {
  /**
   * SageMaker's built-in algorithm image of a framework, for the stack's
   * region (CPU or GPU from the instance type): the XGBoost and scikit-learn
   * versions whose one image both trains and serves, as the SageMaker Python
   * SDK's image tables list them. Trained models are registered with the
   * same image for inference.
   *
   * @param framework `Framework.XGBOOST` or `Framework.SKLEARN`
   * @param version the framework version as SageMaker publishes it, e.g. `1.7-1`
   */
  public static fromFramework(framework: Framework, version: string): TrainingImage {
    // The catalog marks the versions whose image trains too, from the SageMaker SDK's training tables.
    if (!isTrainingVersion(framework.id, version)) {
      const trainable = trainingFrameworkVersions(framework.id);
      throw new MlopsValidationError(trainable.length === 0
        ? `image: ${framework.displayName} has no built-in training image in this library yet; use XGBoost or scikit-learn, or your own image`
        : `image: ${framework.displayName} ${version} has no built-in training image; versions that train: ${trainable.join(', ')}`);
    }
    return new ModelImageTraining(ModelImage.fromFramework(framework, version));
  }

  /**
   * An image in an ECR repository, by tag or digest (`sha256:...`), that
   * follows SageMaker's training container contract. The training role may pull it.
   */
  public static fromEcrRepository(repository: ecr.IRepository, tagOrDigest: string): TrainingImage {
    return new ModelImageTraining(ModelImage.fromEcrRepository(repository, tagOrDigest));
  }

  /**
   * Any image URI SageMaker can pull with the training role's permissions,
   * which you grant (`trainingRole`).
   */
  public static fromImageUri(uri: string): TrainingImage {
    return new ModelImageTraining(ModelImage.fromImageUri(uri));
  }

  /**
   * Binds the image to the role SageMaker trains with: grants the pull and returns the URI.
   */
  public abstract bind(scope: Construct, options: ModelImageBindOptions): ModelImageConfig;

  /**
   * The image trained models are served with, unless the pipeline is given another.
   * @internal
   */
  public abstract get _inferenceImage(): ModelImage;
}

/** A training image that is also the trained model's inference image (the built-in algorithms, and bring-your-own containers that `train` and `serve`). */
class ModelImageTraining extends TrainingImage {
  constructor(private readonly image: ModelImage) {
    super();
  }

  public bind(scope: Construct, options: ModelImageBindOptions): ModelImageConfig {
    return this.image.bind(scope, options);
  }

  public get _inferenceImage(): ModelImage {
    return this.image;
  }
}
