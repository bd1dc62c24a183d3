import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { faultResponse } from './api-faults';
import { jsonResponse, problemResponse } from './api-response';
import { matchRoute, Route } from './api-routes';
import { deletePipeline } from './pipeline-delete';
import { listPipelines } from './pipeline-list';
import { pipelineLink, pipelineStatus } from './pipeline-status';
import { ProvisionOutcome, provisionPipeline } from './provision-pipeline';
import type { ProvisioningDeps, StatusClients } from './provisioning-deps';
import type { Problem, RequestSchema, Validated } from './request-schema';
import { utf8Text } from '../../config/utf8-text';
import { errorName } from '../aws-errors';
import { pipelineNameOf, stackNameFor, stackNameOfArn } from './stack-names';

/** What the API handler needs: the provisioning core's dependencies, the status clients, the schema and a logger. */
export interface ApiDeps extends ProvisioningDeps, StatusClients {
  readonly schema: RequestSchema;
  readonly logger: Logger;
}

/** A pipeline request is a few kilobytes; this leaves room for test payloads and refuses anything abusive early. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * Answers one API Gateway proxy request. Every rejection (unknown route,
 * wrong method, bad name, bad body, missing objects, busy stack) is decided
 * before any write to CloudFormation or S3.
 */
export async function handleApiRequest(event: APIGatewayProxyEvent, deps: ApiDeps, fallbackRequestId = 'unknown'): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId ?? fallbackRequestId;
  const method = event.httpMethod ?? '';
  const path = event.path ?? '';
  const match = matchRoute(method, path);
  let response: APIGatewayProxyResult;
  let outcome: string;
  if (match.kind === 'route') {
    try {
      ({ response, outcome } = await runRoute(match.route, event, deps));
    } catch (err) {
      response = faultResponse(err, requestId);
      outcome = `error ${errorName(err)}`;
      const log = response.statusCode === 503 ? deps.logger.warn.bind(deps.logger) : deps.logger.error.bind(deps.logger);
      log('Request failed', { method, route: match.template, requestId, status: response.statusCode, error: err as Error });
    }
  } else if (match.kind === 'not-found') {
    response = problemResponse(404, 'Not found', match.problems);
    outcome = 'no route';
  } else if (match.kind === 'method-not-allowed') {
    response = problemResponse(405, 'Method not allowed', match.problems, { allow: match.allow.join(', ') });
    outcome = 'method not allowed';
  } else {
    response = problemResponse(400, 'Invalid pipeline name in the path', match.problems);
    outcome = 'bad path';
  }
  deps.logger.info('Request', {
    method,
    route: match.kind === 'not-found' ? 'none' : match.template,
    requestId,
    status: response.statusCode,
    outcome,
  });
  return response;
}

interface Answer {
  readonly response: APIGatewayProxyResult;
  /** A few words for the log. */
  readonly outcome: string;
}

async function runRoute(route: Route, event: APIGatewayProxyEvent, deps: ApiDeps): Promise<Answer> {
  const { settings } = deps;
  switch (route.op) {
    case 'list': {
      const pipelines = await listPipelines(deps.cloudformation, settings.stackPrefix);
      return { response: jsonResponse(200, { pipelines }), outcome: `listed ${pipelines.length}` };
    }
    case 'get':
      return statusAnswer(stackNameFor(settings.stackPrefix, route.name), route.name, deps);
    case 'delete': {
      const deleted = await deletePipeline(deps.cloudformation, settings.stackPrefix, settings.cloudFormationRoleArn, route.name);
      if (deleted.kind === 'not-found') {
        return { response: notFound(route.name), outcome: 'not found' };
      }
      if (deleted.kind === 'conflict') {
        const { kind: _kind, ...body } = deleted;
        return { response: jsonResponse(409, body), outcome: `conflict ${deleted.stackStatus}` };
      }
      return { response: jsonResponse(202, { name: deleted.name, stackId: deleted.stackId, status: deleted.status }), outcome: 'deleting' };
    }
    case 'create-or-update':
    case 'v1-provision': {
      const v1 = route.op === 'v1-provision';
      const body = readBody(event, deps.schema);
      const request = body.ok ? (v1 ? deps.schema.fromV1ProvisionRequest(body.value) : deps.schema.validatePipelineRequest(body.value)) : body;
      if (!request.ok) {
        return invalid(request.problems);
      }
      // A v1 caller hears of a missing object at the v1 key that named it.
      const provisioningDeps = v1 ? { ...deps, referencedObjects: v1ReferencedObjects(deps.referencedObjects) } : deps;
      const outcome = await provisionPipeline(request.value, provisioningDeps);
      return provisionAnswer(v1 && outcome.kind === 'unprovisionable' ? { ...outcome, problems: outcome.problems.map(v1Problem) } : outcome, v1);
    }
    case 'v1-status': {
      const body = readBody(event, deps.schema);
      const status = body.ok ? deps.schema.fromV1StatusRequest(body.value) : body;
      if (!status.ok) {
        return invalid(status.problems);
      }
      const id = status.value.pipelineId;
      const stackName = stackNameOfArn(id) ?? id;
      const name = pipelineNameOf(settings.stackPrefix, stackName);
      if (!name) {
        // Never looked up: the handler answers for the framework's own stacks only.
        return { response: notFound(id, 'pipeline_id must be the stack ARN or stack name of a pipeline of this framework'), outcome: 'not ours' };
      }
      return statusAnswer(id, name, deps);
    }
  }
}

async function statusAnswer(stack: string, name: string, deps: ApiDeps): Promise<Answer> {
  const status = await pipelineStatus(deps.settings.stackPrefix, stack, deps);
  if (!status) {
    return { response: notFound(name), outcome: 'not found' };
  }
  return { response: jsonResponse(200, status), outcome: status.stackStatus };
}

function provisionAnswer(outcome: ProvisionOutcome, v1: boolean): Answer {
  switch (outcome.kind) {
    case 'missing-objects':
      return {
        response: problemResponse(422, 'The request names objects that are not in the assets bucket; upload them first. Nothing was created or changed.', outcome.problems),
        outcome: `missing ${outcome.problems.length} objects`,
      };
    case 'unprovisionable':
      return {
        response: problemResponse(400, `The request cannot be provisioned in this framework's region (${outcome.problems.length} ${plural(outcome.problems.length)}). Nothing was created or changed.`, outcome.problems),
        outcome: `unprovisionable (${outcome.problems.length})`,
      };
    case 'conflict': {
      const { kind: _kind, ...body } = outcome;
      return { response: jsonResponse(409, body), outcome: `conflict ${outcome.stackStatus}` };
    }
    default: {
      const body = { name: outcome.name, stackId: outcome.stackId, status: outcome.status, links: { self: pipelineLink(outcome.name) } };
      return {
        response: jsonResponse(202, v1 ? { message: v1Message(outcome.status), pipeline_id: outcome.stackId, ...body } : body),
        outcome: outcome.status,
      };
    }
  }
}

/** v1.0 answered "success: stack creation started"; updates and no-ops say what happened instead. */
function v1Message(status: string): string {
  switch (status) {
    case 'CREATE_IN_PROGRESS':
      return 'success: stack creation started';
    case 'UPDATE_IN_PROGRESS':
      return 'success: stack update started';
    default:
      return 'success: the stack already matches the request';
  }
}

/** Where a v1.0 body held what a request calls `artifact`, `image.containerSource`, its one environment and that environment's batch input. */
const V1_PATHS: Record<string, string> = {
  'artifact': 'model_artifact_location',
  'image.containerSource': 'custom_model_container',
  'environments[0]': 'inference_instance',
  'environments[0].batch.input': 'batch_inference_data',
};

function v1Problem<P extends { path: string }>(problem: P): P {
  return { ...problem, path: V1_PATHS[problem.path] ?? problem.path };
}

function v1ReferencedObjects(referenced: ProvisioningDeps['referencedObjects']): ProvisioningDeps['referencedObjects'] {
  return (request) => referenced(request).map(v1Problem);
}

function invalid(problems: Problem[]): Answer {
  return {
    response: problemResponse(400, `The request is invalid (${problems.length} ${plural(problems.length)}). Nothing was created or changed.`, problems),
    outcome: `invalid (${problems.length})`,
  };
}

function plural(count: number): string {
  return count === 1 ? 'problem' : 'problems';
}

function notFound(name: string, hint?: string): APIGatewayProxyResult {
  return jsonResponse(404, { message: `No pipeline ${JSON.stringify(name)}${hint ? `: ${hint}` : ''}` });
}

/**
 * The request body as JSON: the content type, if given, must be JSON (a form
 * or text body is refused rather than guessed at); base64 bodies (binary
 * media types) are decoded first.
 */
function readBody(event: APIGatewayProxyEvent, schema: RequestSchema): Validated<unknown> {
  const contentType = headerValue(event.headers, 'content-type');
  if (contentType !== undefined && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(contentType.trim())) {
    return { ok: false, problems: [{ path: 'content-type', message: `must be application/json (was ${JSON.stringify(contentType)})` }] };
  }
  const raw = event.body ?? '';
  // Decoded strictly: a lenient decoder would slip U+FFFD into the request in place of each bad byte.
  const text = event.isBase64Encoded ? utf8Text(Buffer.from(raw, 'base64')) : raw;
  if (text === undefined) {
    return { ok: false, problems: [{ path: '', message: 'is not UTF-8 text' }] };
  }
  return schema.parseJsonDocument(text, { maxBytes: MAX_BODY_BYTES });
}

function headerValue(headers: APIGatewayProxyEvent['headers'] | null | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() === name && value !== undefined) {
      return value;
    }
  }
  return undefined;
}
