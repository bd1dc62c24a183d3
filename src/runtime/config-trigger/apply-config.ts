import { parseJsonDocument, validateConfigFile } from '../../config/validate';
import { BlueprintInputError } from '../../blueprint/blueprint-input';
import { errorName, isTransient } from '../aws-errors';
import type { ConfigTriggerDeps } from './trigger-deps';
import { ProvisionOutcome, provisionPipeline } from '../provisioning/provision-pipeline';
import type { Problem } from '../provisioning/request-schema';

/** What became of one pipeline of an accepted file. */
export type PipelineResult =
  | { readonly index: number; readonly outcome: ProvisionOutcome }
  /** An AWS error that is not transient (access denied, a template CloudFormation refuses): this pipeline only. */
  | { readonly index: number; readonly name: string; readonly failed: string };

/** What applying one config file concluded. */
export type ConfigResult =
  /** The file could not be read, parsed or validated: nothing was provisioned. */
  | { readonly kind: 'rejected'; readonly problems: Problem[] }
  /** The file is valid: every pipeline in it was tried, in order. */
  | { readonly kind: 'applied'; readonly pipelines: PipelineResult[] };

/** A file that never reached validation (unreadable, too large): rejected with one problem at the document. */
export function rejectedFile(message: string): ConfigResult {
  return { kind: 'rejected', problems: [{ path: '', message }] };
}

/**
 * Parses and validates a config file's text and, only when the whole file is
 * valid, provisions each of its pipelines with the API's own
 * `provisionPipeline`, one after another (a file holds at most 50; in turn
 * keeps CloudFormation's request rate low). An invalid file provisions
 * nothing, not even its valid pipelines: the file is one change, and half of
 * it applied would be harder to reason about than none.
 *
 * Transient AWS errors are thrown, leaving the rest untried: the caller has
 * the whole file applied again later, which `provisionPipeline` makes safe
 * (by name and request hash, pipelines already started are found started or
 * unchanged).
 *
 * @param requestId quoted in a pipeline's failure so its log lines can be found
 */
export async function applyConfig(text: string, deps: ConfigTriggerDeps, requestId: string): Promise<ConfigResult> {
  const parsed = parseJsonDocument(text);
  if (!parsed.ok) {
    return { kind: 'rejected', problems: parsed.problems };
  }
  const file = validateConfigFile(parsed.value);
  if (!file.ok) {
    return { kind: 'rejected', problems: file.problems };
  }
  const pipelines: PipelineResult[] = [];
  for (const [index, request] of file.value.pipelines.entries()) {
    pipelines.push(await provisionOne(index, request, deps, requestId));
  }
  return { kind: 'applied', pipelines };
}

async function provisionOne(
  index: number,
  request: Parameters<typeof provisionPipeline>[0],
  deps: ConfigTriggerDeps,
  requestId: string,
): Promise<PipelineResult> {
  const name = request.name;
  try {
    const outcome = await provisionPipeline(request, deps);
    deps.logger.info('Pipeline', { pipeline: name, outcome: outcome.kind, ...outcomeDetail(outcome) });
    return { index, outcome };
  } catch (err) {
    if (err instanceof BlueprintInputError) {
      // Refused by the blueprint (an image SageMaker does not publish here): a problem list like any other.
      deps.logger.info('Pipeline', { pipeline: name, outcome: 'unprovisionable', problems: err.problems.length });
      return { index, outcome: { kind: 'unprovisionable', name, problems: err.problems } };
    }
    if (isTransient(err)) {
      deps.logger.warn('Pipeline interrupted by a transient AWS error; the file will be applied again', { pipeline: name, error: err as Error });
      throw err;
    }
    deps.logger.error('Pipeline failed', { pipeline: name, requestId, error: err as Error });
    // The AWS message stays in the log: it can name roles and accounts, and the report goes to email.
    return { index, name, failed: `${errorName(err)} (see the config trigger's log, request ID ${requestId})` };
  }
}

function outcomeDetail(outcome: ProvisionOutcome): Record<string, unknown> {
  switch (outcome.kind) {
    case 'started':
    case 'unchanged':
      return { stackName: outcome.stackName, status: outcome.status };
    case 'conflict':
      return { stackName: outcome.stackName, stackStatus: outcome.stackStatus };
    default:
      return { problems: outcome.problems.length };
  }
}
