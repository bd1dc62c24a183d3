import {
  Capability,
  CreateStackCommand,
  OnFailure,
  Stack,
  Tag,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { BlueprintStackInput, blueprintStackInput } from '../../blueprint/blueprint-input';
import { pipelineStackTags, REQUEST_HASH_TAG } from '../../contract/stack-tags';
import { errorMessage, errorName } from '../aws-errors';
import { missingObjects } from './object-check';
import type { ProvisioningDeps } from './provisioning-deps';
import { createToken, requestSha256, updateToken } from './request-fingerprint';
import type { PipelineRequest, Problem } from './request-schema';
import { stackNameFor } from './stack-names';
import { describeStack, stackCondition, stackTag } from './stack-state';


/** A pipeline stack CloudFormation has accepted work on, or found already as asked. */
export interface ProvisionedStack {
  readonly name: string;
  readonly stackName: string;
  readonly stackId: string;
}

/** What one create-or-update concluded. */
export type ProvisionOutcome =
  /** CloudFormation started (or, for a retried request, is already running) the change. */
  | ProvisionedStack & { readonly kind: 'started'; readonly status: 'CREATE_IN_PROGRESS' | 'UPDATE_IN_PROGRESS' }
  /** The stack already is what the request asks for. */
  | ProvisionedStack & { readonly kind: 'unchanged'; readonly status: 'UNCHANGED' }
  /** Referenced objects are missing from the assets bucket: nothing was created or changed. */
  | { readonly kind: 'missing-objects'; readonly name: string; readonly problems: Problem[] }
  /** A valid request the blueprint cannot provision here (an image SageMaker does not publish): nothing was created or changed. */
  | { readonly kind: 'unprovisionable'; readonly name: string; readonly problems: Problem[] }
  /** The stack cannot take the change now: nothing was changed. */
  | ProvisionedStack & { readonly kind: 'conflict'; readonly stackStatus: string; readonly message: string };

const CAPABILITIES = [Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM];

/**
 * Creates or updates the stack of one validated pipeline request, idempotent
 * by name: the provisioning API's `POST /pipelines` and the config-file
 * trigger (once per pipeline of an `mlops-config.json`) both call it.
 *
 * Referenced objects are checked first, and nothing is written unless they
 * all exist. AWS errors other than the ones that describe the stack's state
 * are thrown for the caller to classify (throttling: try again later).
 */
export async function provisionPipeline(request: PipelineRequest, deps: ProvisioningDeps): Promise<ProvisionOutcome> {
  const { settings } = deps;
  const name = request.name;
  // The stack input first: it needs no AWS call, and a request it refuses needs no existence check.
  let input: BlueprintStackInput;
  try {
    input = blueprintStackInput(request, settings, deps.region);
  } catch (err) {
    const problems = blueprintProblems(err);
    if (problems) {
      return { kind: 'unprovisionable', name, problems };
    }
    throw err;
  }
  const problems = await missingObjects(deps.s3, settings.assetsBucket, deps.referencedObjects(request));
  if (problems.length > 0) {
    return { kind: 'missing-objects', name, problems };
  }

  const stackName = stackNameFor(settings.stackPrefix, name);
  const hash = requestSha256(request);
  const tags: Tag[] = pipelineStackTags(settings.stackPrefix, name, hash);
  const existing = await describeStack(deps.cloudformation, stackName);

  if (!existing) {
    return createStack(deps, { name, stackName, hash, tags, templateUrl: input.templateUrl, parameters: input.parameters });
  }
  const stack = { name, stackName, stackId: existing.StackId ?? stackName };
  const status = existing.StackStatus ?? 'UNKNOWN';
  switch (stackCondition(status)) {
    case 'busy':
      return busyOutcome(stack, existing, hash);
    case 'blocked':
      return {
        kind: 'conflict',
        ...stack,
        stackStatus: status,
        message: blockedMessage(stackName, status),
      };
    default:
      break;
  }

  try {
    const updated = await deps.cloudformation.send(new UpdateStackCommand({
      StackName: stack.stackId,
      TemplateURL: input.templateUrl,
      Parameters: input.parameters,
      RoleARN: settings.cloudFormationRoleArn,
      Capabilities: CAPABILITIES,
      Tags: tags,
      ClientRequestToken: updateToken(stack.stackId, existing.LastUpdatedTime ?? existing.CreationTime, hash),
    }));
    return { kind: 'started', ...stack, stackId: updated.StackId ?? stack.stackId, status: 'UPDATE_IN_PROGRESS' };
  } catch (err) {
    if (isNoUpdates(err)) {
      return { kind: 'unchanged', ...stack, status: 'UNCHANGED' };
    }
    // Another caller changed the stack between our describe and this update.
    const state = /is in (\w+) state/.exec(errorMessage(err))?.[1];
    if (errorName(err) === 'ValidationError' && state) {
      return { kind: 'conflict', ...stack, stackStatus: state, message: conflictMessage(stackName, state) };
    }
    throw err;
  }
}

interface CreateInput {
  readonly name: string;
  readonly stackName: string;
  readonly hash: string;
  readonly tags: Tag[];
  readonly templateUrl: string;
  readonly parameters: { ParameterKey: string; ParameterValue: string }[];
}

/*
 * OnFailure DELETE: a create that fails leaves no ROLLBACK_COMPLETE stack
 * behind, which CloudFormation would refuse to update, so the caller can fix
 * the request and POST again without deleting anything first; no half-made
 * resources are left to bill or to collide on names. The failure's reason
 * stays readable in the deleted stack's events (by its stack ID).
 */
async function createStack(deps: ProvisioningDeps, input: CreateInput): Promise<ProvisionOutcome> {
  const { name, stackName, hash } = input;
  try {
    const created = await deps.cloudformation.send(new CreateStackCommand({
      StackName: stackName,
      TemplateURL: input.templateUrl,
      Parameters: input.parameters,
      RoleARN: deps.settings.cloudFormationRoleArn,
      Capabilities: CAPABILITIES,
      OnFailure: OnFailure.DELETE,
      Tags: input.tags,
      ClientRequestToken: createToken(stackName, hash),
    }));
    return { kind: 'started', name, stackName, stackId: created.StackId ?? stackName, status: 'CREATE_IN_PROGRESS' };
  } catch (err) {
    if (errorName(err) !== 'AlreadyExistsException') {
      throw err;
    }
    // Another request created it since our describe: the same request is a retry, any other a conflict.
    const raced = await describeStack(deps.cloudformation, stackName);
    if (!raced) {
      // Created and deleted again by other requests between our two calls: nothing
      // of ours was written, and the same request sent again decides afresh.
      return {
        kind: 'conflict',
        name,
        stackName,
        stackId: stackName,
        stackStatus: 'DELETE_COMPLETE',
        message: `Stack ${stackName} was created and deleted by other requests meanwhile; send the request again`,
      };
    }
    const stack = { name, stackName, stackId: raced.StackId ?? stackName };
    return busyOutcome(stack, raced, hash);
  }
}

/**
 * A stack CloudFormation is working on. When the work is this very request
 * (a client's retry), the retry is answered as the first call was; otherwise
 * the change must wait.
 */
function busyOutcome(stack: ProvisionedStack, existing: Stack, hash: string): ProvisionOutcome {
  const status = existing.StackStatus ?? 'UNKNOWN';
  if (stackTag(existing, REQUEST_HASH_TAG) === hash && (status === 'CREATE_IN_PROGRESS' || status === 'UPDATE_IN_PROGRESS')) {
    return { kind: 'started', ...stack, status };
  }
  if (stackCondition(status) === 'stable') {
    if (stackTag(existing, REQUEST_HASH_TAG) === hash) {
      return { kind: 'unchanged', ...stack, status: 'UNCHANGED' };
    }
    return { kind: 'conflict', ...stack, stackStatus: status, message: `Stack ${stack.stackName} was changed by another request meanwhile (now ${status}); send the request again` };
  }
  return { kind: 'conflict', ...stack, stackStatus: status, message: conflictMessage(stack.stackName, status) };
}

function conflictMessage(stackName: string, status: string): string {
  if (stackCondition(status) === 'blocked') {
    return blockedMessage(stackName, status);
  }
  return `Stack ${stackName} is ${status}: another change is under way; send the request again when it has finished`;
}

function blockedMessage(stackName: string, status: string): string {
  if (status === 'UPDATE_ROLLBACK_FAILED') {
    return `Stack ${stackName} is ${status} and cannot be updated: continue its rollback (or delete the pipeline) first`;
  }
  return `Stack ${stackName} is ${status} and cannot be updated: delete the pipeline (DELETE /pipelines/{name}) first, then send the request again`;
}

/** UpdateStack's answer when the template, parameters and tags are what the stack already has. */
export function isNoUpdates(err: unknown): boolean {
  return errorName(err) === 'ValidationError' && /no updates are to be performed/i.test(errorMessage(err));
}

/**
 * The problems of the blueprint's `BlueprintInputError` (a request it cannot
 * turn into stack input), matched by name and shape so that any other error
 * stays an error.
 */
function blueprintProblems(err: unknown): Problem[] | undefined {
  const problems = (err as { problems?: unknown } | undefined)?.problems;
  if (errorName(err) !== 'BlueprintInputError' || !Array.isArray(problems)) {
    return undefined;
  }
  return problems.filter((p): p is Problem => typeof p?.path === 'string' && typeof p?.message === 'string');
}
