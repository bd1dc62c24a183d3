import type { Problem } from './request-schema';
import { pipelineName } from '../../config/name-fields';
import { problemsOf } from '../../config/problems';

/** The operations of the provisioning API. */
export type Route =
  | { readonly op: 'create-or-update' }
  | { readonly op: 'list' }
  | { readonly op: 'get'; readonly name: string }
  | { readonly op: 'delete'; readonly name: string }
  | { readonly op: 'v1-provision' }
  | { readonly op: 'v1-status' };

/** How a method and path were matched: a route, or why not (404, 405, 400 for a bad name). */
export type RouteMatch =
  | { readonly kind: 'route'; readonly route: Route; readonly template: string }
  | { readonly kind: 'not-found'; readonly problems: Problem[] }
  | { readonly kind: 'method-not-allowed'; readonly allow: string[]; readonly template: string; readonly problems: Problem[] }
  | { readonly kind: 'bad-path'; readonly template: string; readonly problems: Problem[] };

type Methods = { readonly [method: string]: (name: string) => Route };

const COLLECTION: Methods = { GET: () => ({ op: 'list' }), POST: () => ({ op: 'create-or-update' }) };
const ITEM: Methods = { GET: (name) => ({ op: 'get', name }), DELETE: (name) => ({ op: 'delete', name }) };
const V1_PROVISION: Methods = { POST: () => ({ op: 'v1-provision' }) };
const V1_STATUS: Methods = { POST: () => ({ op: 'v1-status' }) };

/**
 * Matches a request's method and path. The path is the resource path API
 * Gateway hands the proxy (no stage), with or without a trailing slash; the
 * name segment is percent-decoded and checked, so an impossible name is a 400
 * that says why rather than a lookup.
 */
export function matchRoute(method: string, path: string): RouteMatch {
  const segments = path.replace(/\/+$/, '').split('/').slice(1);
  const [first, second, ...rest] = segments;
  if (segments.length === 1 && first === 'pipelines') {
    return byMethod(COLLECTION, method, '/pipelines', '');
  }
  if (segments.length === 1 && first === 'provisionpipeline') {
    return byMethod(V1_PROVISION, method, '/provisionpipeline', '');
  }
  if (segments.length === 1 && first === 'pipelinestatus') {
    return byMethod(V1_STATUS, method, '/pipelinestatus', '');
  }
  if (first === 'pipelines' && second !== undefined && rest.length === 0) {
    const template = '/pipelines/{name}';
    let name: string;
    try {
      name = decodeURIComponent(second);
    } catch {
      return { kind: 'bad-path', template, problems: [{ path: 'name', message: 'is not a valid percent-encoded path segment' }] };
    }
    const matched = byMethod(ITEM, method, template, name);
    // The rule of a request's `name`: a name that breaks it can name no pipeline, so it is a 400 that says why, not a lookup.
    const checked = pipelineName.safeParse(name);
    if (matched.kind === 'route' && !checked.success) {
      return { kind: 'bad-path', template, problems: problemsOf(checked.error.issues, 'name') };
    }
    return matched;
  }
  return {
    kind: 'not-found',
    problems: [{ path: 'path', message: `No route ${method} ${path}: the API has /pipelines, /pipelines/{name}, /provisionpipeline and /pipelinestatus` }],
  };
}

function byMethod(methods: Methods, method: string, template: string, name: string): RouteMatch {
  // Own keys only: a method such as `constructor` must not match Object's prototype.
  if (Object.prototype.hasOwnProperty.call(methods, method)) {
    return { kind: 'route', route: methods[method](name), template };
  }
  const allow = Object.keys(methods);
  return {
    kind: 'method-not-allowed',
    allow,
    template,
    problems: [{ path: 'method', message: `${method} is not allowed on ${template}; use ${allow.join(' or ')}` }],
  };
}
