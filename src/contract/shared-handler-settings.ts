/**
 * How a pipeline tells a handler function it shares with other pipelines
 * (the MlopsFramework's, found by ARN) who it is. A handler made for one
 * pipeline reads its settings from its environment variable and acts with
 * its own role; a shared one learns both per call. Types and names only, so
 * handler bundles carry no construct code.
 *
 * - CodePipeline actions (deploy, test, share) carry two more user parameters:
 *   {@link HANDLER_ROLE_PARAMETER}, the pipeline's role for that handler, which the
 *   function assumes for every AWS call except reporting the job's result, and,
 *   for handlers with settings (deploy, share), {@link SETTINGS_PARAMETER}, the
 *   name of an SSM String parameter holding exactly the JSON the handler's
 *   settings environment variable would hold, read with that role.
 * - The release clean-up custom resource carries {@link CLEANUP_ROLE_PROPERTY}.
 *
 * Every pipeline's roles trust the same shared function role, and the role to
 * assume comes from the caller. So the session itself names who it acts for,
 * from a source the caller cannot choose: a job's pipeline as CodePipeline
 * reports it ({@link PIPELINE_SESSION_TAG}), a custom resource's stack as
 * CloudFormation sends it ({@link STACK_SESSION_TAG}). Each pipeline role's
 * trust policy requires its own name in that tag, so naming another
 * pipeline's role gets AccessDenied.
 */

/** User parameter: ARN of the pipeline's role for this handler. */
export const HANDLER_ROLE_PARAMETER = 'handlerRoleArn';

/** User parameter: name of the SSM parameter holding the handler's settings JSON. */
export const SETTINGS_PARAMETER = 'settingsParameter';

/** Custom resource property of the release clean-up: ARN of the pipeline's clean-up role. */
export const CLEANUP_ROLE_PROPERTY = 'HandlerRoleArn';

/**
 * Session tag of a CodePipeline job's session: the name of the job's pipeline,
 * from CodePipeline's GetJobDetails. Handler roles trust only sessions whose
 * tag is their pipeline's name (`aws:RequestTag/mlops:pipeline`).
 */
export const PIPELINE_SESSION_TAG = 'mlops:pipeline';

/**
 * Session tag of the release clean-up's session: the name of the stack in the
 * custom resource event's `StackId`. A key of its own, so that a stack name
 * never satisfies a pipeline role's condition or the reverse.
 */
export const STACK_SESSION_TAG = 'mlops:stack';
