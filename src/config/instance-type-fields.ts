/**
 * Instance types: an endpoint's or a batch transform's, checked against the
 * types SageMaker runs each on (they differ: no ml.t2 or ml.c5.large for a
 * transform), and a processing job's, checked by its shape only.
 */
import * as z from 'zod';
import { PROCESSING_INSTANCE_TYPE_MAX, PROCESSING_INSTANCE_TYPE_PATTERN } from './limits';
import { describe, quote } from './problems';
import { expected, ifClean } from './schema-parts';
import { closestInstanceType, INSTANCE_USE_NAMES, InstanceUse, instanceTypesFor } from '../catalog/instance-types';
import { MONITORING_DEFAULTS } from '../contract/monitoring-defaults';

/** An instance type SageMaker runs the use on; a mistyped one is told the closest known type. */
function instanceType(use: InstanceUse) {
  return z.enum(instanceTypesFor(use) as [string, ...string[]], {
    error: (issue) => {
      const value = issue.input;
      if (typeof value !== 'string') {
        return value === undefined ? 'is required' : `must be a SageMaker instance type (a string like "ml.m5.large"), got ${describe(value)}`;
      }
      const closest = closestInstanceType(value, use);
      return `${quote(value)} is not a SageMaker ${INSTANCE_USE_NAMES[use]} instance type${closest ? ` (did you mean "${closest}"?)` : ''}`;
    },
  });
}

/** A real-time endpoint's, a batch transform job's and a training job's instance types. */
export const INSTANCE_TYPES = { hosting: instanceType('hosting'), transform: instanceType('transform'), training: instanceType('training') } as const;

/** A processing instance type of drift detection's jobs: only its shape is checked (`ml.<family>.<size>`); SageMaker knows which it runs. */
export const processingInstanceType = (() => {
  const error = (issue: { input?: unknown }): string =>
    `${quote(issue.input as string)} is not a SageMaker processing instance type like "${MONITORING_DEFAULTS.instanceType}" (ml.<family>.<size>)`;
  return z.string({ error: expected(`a SageMaker processing instance type (a string like "${MONITORING_DEFAULTS.instanceType}")`) })
    .max(PROCESSING_INSTANCE_TYPE_MAX, { error, ...ifClean })
    .regex(PROCESSING_INSTANCE_TYPE_PATTERN, { error, ...ifClean });
})();
