/**
 * The shapes of SageMaker Model Registry names and ARNs (CreateModelPackageGroup's
 * name rule, the ARN patterns of the SageMaker API reference). Kept apart from
 * the zod fields so a Lambda handler can check an ARN without bundling zod.
 */

/** A group's name: 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit. */
export const GROUP_NAME_PATTERN = '[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}';

/** `arn:<partition>:sagemaker:<region>:<account>`, capturing region and account. */
const ARN_START = 'arn:aws[a-z-]*:sagemaker:([a-z0-9-]{9,16}):(\\d{12})';

/** `arn:aws:sagemaker:<region>:<account>:model-package-group/<name>`: captures region, account, name. */
export const MODEL_PACKAGE_GROUP_ARN = new RegExp(`^${ARN_START}:model-package-group/(${GROUP_NAME_PATTERN})$`);

/**
 * `arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>`: a
 * version of a group (the only kind of package a group holds). Captures
 * region, account, group name (lower case, as SageMaker writes it) and version.
 */
export const MODEL_PACKAGE_VERSION_ARN = new RegExp(`^${ARN_START}:model-package/(${GROUP_NAME_PATTERN})/(\\d{1,9})$`);
