/**
 * One environment of a request: an instance-backed endpoint, a serverless
 * endpoint, or (the last environment only) a batch transform. Which keys go
 * together, and the instance types of each kind, are the rules of
 * `environment-rules.ts`, which ByomPipeline applies to its props too.
 */
import * as z from 'zod';
import { autoScaling, batch, instanceCount, monitoring, samplingPercentage, serverless, addRuleProblems } from './environment-fields';
import {
  ENDPOINT_ONLY_KEYS, INSTANCE_ONLY_KEYS, NO_MONITORING_WHEN_SERVERLESS, NOT_WITH_BATCH, NOT_WITH_SERVERLESS, scalingProblems,
} from './environment-rules';
import { INSTANCE_TYPES } from './instance-type-fields';
import { environmentName } from './name-fields';
import { always, expected, flag, isRecord, strictObject } from './schema-parts';
import { testRequests } from './test-fields';
import { hostingInstanceTypes, InstanceUse, instanceTypesFor } from '../catalog/instance-types';

/** Nothing may be set at these keys (JSON Schema). */
function forbidden(keys: readonly string[]): { properties: Record<string, false> } {
  return { properties: Object.fromEntries(keys.map((key) => [key, false])) };
}

const environmentObject = strictObject({
  name: environmentName.meta({ title: 'Name', description: 'Lower-case letters, digits and single hyphens; unique in the pipeline.' }),
  // Checked against the hosting or the transform types by the environment's kind (below).
  instanceType: z.string({ error: expected('a SageMaker instance type (a string like "ml.m5.large")') })
    .meta({ title: 'Instance type', description: 'A SageMaker real-time hosting instance type. Default "ml.m5.large".', enum: hostingInstanceTypes() }).optional(),
  instanceCount: instanceCount.meta({ title: 'Instance count', description: 'Instances serving the endpoint. Default 1.' }).optional(),
  serverless: serverless.optional(),
  autoScaling: autoScaling.optional(),
  dataCapture: strictObject({ samplingPercentage: samplingPercentage.optional() })
    .meta({ title: 'Data capture', description: 'Captures requests and responses to S3.' }).optional(),
  approval: flag().meta({ title: 'Approval', description: 'A manual approval before this environment. Default false.' }).optional(),
  tests: testRequests.meta({ title: 'Tests', description: 'Sample requests run against the endpoint before it is shared. Default none.' }).optional(),
  monitoring: monitoring.optional(),
  batch: batch.optional(),
});

type EnvironmentFields = Partial<Record<keyof z.output<typeof environmentObject>, unknown>>;

/** The instance type's issues for the environment's kind, at `instanceType`. */
function instanceTypeProblems(value: unknown, use: InstanceUse): Array<{ path: PropertyKey[]; message: string }> {
  const result = INSTANCE_TYPES[use].safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: ['instanceType'], message: issue.message }));
}

type Problems = Array<{ path: readonly PropertyKey[]; message: string }>;

/** The keys the environment's kind refuses, each with why. */
function refusedKeys(env: EnvironmentFields): Array<{ key: keyof EnvironmentFields; message: string }> {
  const set = (keys: readonly (keyof EnvironmentFields)[], message: string) =>
    keys.filter((key) => env[key] !== undefined).map((key) => ({ key, message }));
  if (env.batch !== undefined) {
    return set(ENDPOINT_ONLY_KEYS, NOT_WITH_BATCH);
  }
  if (env.serverless !== undefined) {
    return [...set(INSTANCE_ONLY_KEYS, NOT_WITH_SERVERLESS), ...set(['monitoring'], NO_MONITORING_WHEN_SERVERLESS)];
  }
  return [];
}

/** The kind's instance types (a transform runs on fewer than an endpoint) and an endpoint's scaling against its instance count. */
function kindProblems(env: EnvironmentFields): Problems {
  if (env.serverless !== undefined && env.batch === undefined) {
    return [];
  }
  const use = env.batch !== undefined ? 'transform' : 'hosting';
  const problems: Problems = typeof env.instanceType === 'string' ? instanceTypeProblems(env.instanceType, use) : [];
  if (env.batch === undefined && isRecord(env.autoScaling)) {
    problems.push(...scalingProblems(env.instanceCount, env.autoScaling).map((p) => ({ path: ['autoScaling', ...p.path], message: p.message })));
  }
  return problems;
}

/**
 * Adds the kind rules' problems. A key the environment's kind refuses is
 * only refused: its value is not judged too, so its own issues give way.
 */
function addKindProblems(env: EnvironmentFields, context: z.core.$RefinementCtx<unknown>): void {
  const refused = refusedKeys(env);
  const keys = new Set<PropertyKey>(refused.map((r) => r.key));
  const judged = context.issues.filter((issue) => !keys.has(issue.path?.[0] as PropertyKey));
  context.issues.splice(0, context.issues.length, ...judged);
  addRuleProblems(context, [...refused.map((r) => ({ path: [r.key], message: r.message })), ...kindProblems(env)]);
}

/** One environment, in release order. */
export const environment = environmentObject
  .meta({
    title: 'Environment',
    description: 'One environment, in release order: an endpoint, tested before it is shared, or (the last environment only) a batch transform.',
    // The kind rules as editors can read them.
    dependentSchemas: {
      serverless: forbidden([...INSTANCE_ONLY_KEYS, 'monitoring']),
      batch: {
        properties: {
          ...forbidden(ENDPOINT_ONLY_KEYS).properties,
          instanceType: { description: 'A SageMaker batch transform instance type. Default "ml.m5.large".', enum: instanceTypesFor('transform') },
        },
      },
    },
  })
  .superRefine((env, context) => addKindProblems(env as EnvironmentFields, context), always);
