/**
 * What the MlopsFramework construct tells its provisioning handler, as JSON in
 * the handler's `MLOPS_PROVISION_SETTINGS` environment variable. Types only,
 * so the handler bundle carries no construct code.
 */

/** Name of the handler environment variable holding the {@link ProvisionSettings}. */
export const PROVISION_SETTINGS_VARIABLE = 'MLOPS_PROVISION_SETTINGS';

/** A handler function every provisioned pipeline shares: its ARN and its role's (pipeline roles trust that role). */
export interface SharedFunctionSettings {
  readonly functionArn: string;
  readonly roleArn: string;
}

/** The handlers every provisioned pipeline shares, made once in the framework stack. */
export interface SharedHandlerSettings {
  readonly deploy: SharedFunctionSettings;
  readonly test: SharedFunctionSettings;
  readonly share: SharedFunctionSettings;
  /** The release clean-up: its custom resource provider's service token and its function's role. */
  readonly cleanup: { readonly serviceToken: string; readonly roleArn: string };
}

export interface ProvisionSettings {
  /** Every pipeline stack is named `${stackPrefix}${request.name}`; the provisioning role may touch no other stack. */
  readonly stackPrefix: string;
  /** The assets bucket: model artifacts, container sources and `config/` files are keys in it. */
  readonly assetsBucket: string;
  /**
   * The KMS key the assets bucket encrypts its objects with, when the
   * framework knows it: a pipeline's roles that read or write the bucket may
   * use it. Absent for a bucket passed in without its key (S3-managed
   * encryption, or a key the pipelines' roles are given otherwise).
   */
  readonly assetsKeyArn?: string;
  /** The role CloudFormation assumes to create, update and delete pipeline stacks. */
  readonly cloudFormationRoleArn: string;
  /** Where each blueprint template is, by shape (see `blueprint-input.ts`): an S3 HTTPS URL. */
  readonly blueprintUrls: { readonly [shape: string]: string };
  readonly sharedHandlers: SharedHandlerSettings;
  /** The framework's topic: rejected config files and provisioning failures are told here. */
  readonly topicArn: string;
}
