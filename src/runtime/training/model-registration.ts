import { createHash } from 'crypto';
import { CreateModelPackageCommand, ModelApprovalStatus, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { TrainingSettings } from '../../contract/training-settings';
import { JobConfigurationError } from '../codepipeline-job';

/** What the Register step is given by the Train step's output variables. */
export interface RegistrationRequest {
  readonly trainingJob: string;
  readonly modelDataUrl: string;
  /** The data version the model was trained on, recorded on the package. */
  readonly dataVersion?: string;
}

/** CreateModelPackage's ClientToken: 1-36 characters of `[a-zA-Z0-9-]`. */
const CLIENT_TOKEN_LENGTH = 36;

/**
 * The idempotency token of a run's registration: the same training job always
 * registers one package version, however often CodePipeline retries the action.
 */
export function registrationToken(trainingJob: string): string {
  return createHash('sha256').update(trainingJob).digest('hex').slice(0, CLIENT_TOKEN_LENGTH);
}

/**
 * Registers a trained model as a new version of the pipeline's model package
 * group, with the approval status the pipeline was given (`PendingManualApproval`
 * unless the team chose otherwise). The artifact must be one this pipeline's
 * training wrote: the URL comes from a pipeline variable.
 * @returns the package version's ARN
 */
export async function registerModel(settings: TrainingSettings, request: RegistrationRequest, sagemaker: SageMakerClient): Promise<string> {
  const output = settings.output.s3Uri;
  if (!request.modelDataUrl.startsWith(output) || request.modelDataUrl.includes('/../')) {
    throw new JobConfigurationError(`UserParameters.modelDataUrl ${request.modelDataUrl} is not under this pipeline's training output ${output}`);
  }
  if (!request.modelDataUrl.startsWith(`${output}${request.trainingJob}/`)) {
    throw new JobConfigurationError(`UserParameters.modelDataUrl ${request.modelDataUrl} is not the output of training job ${request.trainingJob}`);
  }
  const created = await sagemaker.send(new CreateModelPackageCommand({
    ModelPackageGroupName: settings.modelPackageGroupName,
    ModelPackageDescription: `Trained by ${settings.pipelineName} (training job ${request.trainingJob})`,
    ModelApprovalStatus: settings.approvalStatus as ModelApprovalStatus,
    InferenceSpecification: {
      Containers: [{ Image: settings.inferenceImage, ModelDataUrl: request.modelDataUrl }],
      SupportedContentTypes: [...settings.supportedContentTypes],
      SupportedResponseMIMETypes: [...settings.supportedResponseTypes],
    },
    CustomerMetadataProperties: {
      'mlops:training-job': request.trainingJob,
      ...(request.dataVersion ? { 'mlops:data-version': request.dataVersion } : {}),
    },
    ClientToken: registrationToken(request.trainingJob),
  }));
  if (!created.ModelPackageArn) {
    throw new Error(`SageMaker registered training job ${request.trainingJob}'s model but returned no package ARN`);
  }
  return created.ModelPackageArn;
}
