/**
 * Hostile v1.0 bodies: `POST /provisionpipeline` with each of its ten keys
 * missing or of the wrong type, and `POST /pipelinestatus` bodies.
 */
import { HostileCase } from './hostile-case';
import { V1_PROVISION_KEYS } from '../../src/config/v1-request';
import { v1Body } from '../framework/provision/provision-fixtures';

function without(key: string): Record<string, unknown> {
  const body = v1Body();
  delete body[key];
  return body;
}

/** A value of another JSON type than the key's string. */
const WRONG_TYPES: readonly unknown[] = [42, null, ['x'], { value: 'x' }, true];

const MISSING: HostileCase[] = V1_PROVISION_KEYS.map((key) => ({
  name: `v1.0 without ${key}`, route: '/provisionpipeline', body: without(key), path: key,
}));

const WRONG_TYPE: HostileCase[] = V1_PROVISION_KEYS.map((key, i) => ({
  name: `v1.0 with ${key} as ${JSON.stringify(WRONG_TYPES[i % WRONG_TYPES.length])}`,
  route: '/provisionpipeline',
  body: v1Body({ [key]: WRONG_TYPES[i % WRONG_TYPES.length] }),
  path: key,
}));

type Row = [name: string, body: unknown, path: string];

const PROVISION_ROWS: Row[] = [
  ['a v1.0 body that is an array', [v1Body()], ''],
  ['a v1.0 body with an eleventh key', v1Body({ model_description: 'x' }), 'model_description'],
  ['a v1.0 pipeline_type other than byom', v1Body({ pipeline_type: 'custom' }), 'pipeline_type'],
  ['a v1.0 model_name with upper case', v1Body({ model_name: 'Legacy_Model' }), 'model_name'],
  ['a v1.0 model_name past 40 characters', v1Body({ model_name: 'm'.repeat(41) }), 'model_name'],
  ['a v1.0 framework this version has no counterpart for', v1Body({ model_framework: 'mxnet' }), 'model_framework'],
  ['a v1.0 framework version no longer published', v1Body({ model_framework_version: '0.90-1' }), 'model_framework_version'],
  ['a v1.0 artifact with traversal', v1Body({ model_artifact_location: '../model.tar.gz' }), 'model_artifact_location'],
  ['a v1.0 artifact that is no tarball', v1Body({ model_artifact_location: 'legacy/model.pkl' }), 'model_artifact_location'],
  ['a v1.0 container that is no zip', v1Body({ custom_model_container: 'legacy/Dockerfile' }), 'custom_model_container'],
  ['a v1.0 training_data key with a NUL', v1Body({ training_data: 'legacy/\u0000train.csv' }), 'training_data'],
  ['a v1.0 instance type hosting lacks', v1Body({ inference_instance: 'ml.t3.medium' }), 'inference_instance'],
];

const STATUS_ROWS: Row[] = [
  ['a status body without pipeline_id', {}, 'pipeline_id'],
  ['a status body that is a string', 'mlops-churn', ''],
  ['a pipeline_id as a number', { pipeline_id: 12 }, 'pipeline_id'],
  ['a pipeline_id with traversal', { pipeline_id: '../mlops-churn' }, 'pipeline_id'],
  ['a pipeline_id ARN of another service', { pipeline_id: 'arn:aws:s3:::mlops-churn' }, 'pipeline_id'],
  ['a pipeline_id of 10 000 characters', { pipeline_id: 'm'.repeat(10_000) }, 'pipeline_id'],
  ['a pipeline_id with a NUL', { pipeline_id: 'mlops-churn\u0000' }, 'pipeline_id'],
  ['a status body with an unknown key', { pipeline_id: 'mlops-churn', verbose: true }, 'verbose'],
];

export const V1_CASES: readonly HostileCase[] = [
  ...MISSING,
  ...WRONG_TYPE,
  ...PROVISION_ROWS.map(([name, body, path]): HostileCase => ({ name, route: '/provisionpipeline', body, path })),
  ...STATUS_ROWS.map(([name, body, path]): HostileCase => ({ name, route: '/pipelinestatus', body, path })),
];
