import { createHash } from 'crypto';

/**
 * The JSON text of a value with object keys in sorted order, so two requests
 * that differ only in key order have the same fingerprint.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The `mlops:request-sha256` tag: the hash of the validated request's canonical JSON. */
export function requestSha256(request: unknown): string {
  return sha256(canonicalJson(request));
}

/*
 * ClientRequestTokens (CloudFormation: at most 128 characters of
 * [a-zA-Z0-9-], starting with a letter) are derived, never random, so that a
 * caller's retry of the same POST repeats the same token and CloudFormation
 * treats it as the same operation rather than starting another.
 */

/**
 * CreateStack's token: the same request for the same stack name always has
 * the same token. A later create of the same name after a delete is a new
 * stack (a new stack ID), for which CloudFormation tracks tokens afresh.
 */
export function createToken(stackName: string, requestHash: string): string {
  return `mlops-create-${sha256(`${stackName}\n${requestHash}`).slice(0, 48)}`;
}

/**
 * UpdateStack's token: the request and the state of the stack it updates
 * (its ID and last change). A retry against the same state repeats the token;
 * asking again for a request the stack held before, after another update,
 * gets a new one, so CloudFormation does not take it for an old retry.
 */
export function updateToken(stackId: string, lastChange: Date | undefined, requestHash: string): string {
  return `mlops-update-${sha256(`${stackId}\n${lastChange?.toISOString() ?? ''}\n${requestHash}`).slice(0, 48)}`;
}

/** DeleteStack's token: one per stack, so a retried delete is the same delete. */
export function deleteToken(stackId: string): string {
  return `mlops-delete-${sha256(stackId).slice(0, 48)}`;
}
