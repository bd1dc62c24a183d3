/**
 * Hand-written hostile and malformed requests about batch environments and
 * drift detection: each names the one field the API must blame. The start
 * of the bad-input corpus (issue #7 extends it to every part of the request).
 */
import { HostileCase } from './hostile-case';
import { churnRequest, v1Body } from '../framework/provision/provision-fixtures';

const BASE = churnRequest();

const BATCH = { input: 'scoring/in/', output: 'scoring/out/' };
const MONITORING = { baselineDataset: 'churn/train.csv' };

/** The base request whose last environment (index 2) gets `environment`. */
function withLast(environment: Record<string, unknown>): unknown {
  return { ...BASE, environments: [...BASE.environments, { name: 'scoring', ...environment }] };
}

/** The base request whose prod (index 1) gets `changes`. */
function withProd(changes: Record<string, unknown>): unknown {
  return { ...BASE, environments: [BASE.environments[0], { ...BASE.environments[1], ...changes }] };
}

const batch = (changes: Record<string, unknown>) => withLast({ batch: { ...BATCH, ...changes } });
const monitoring = (changes: Record<string, unknown>) => withProd({ monitoring: { ...MONITORING, ...changes } });
const AT_BATCH = 'environments[2].batch';
const AT_MONITORING = 'environments[1].monitoring';

/** A v1.0 batch request with `changes`. */
function v1(changes: Record<string, unknown>): unknown {
  return v1Body({ inference_type: 'batch', batch_inference_data: 'legacy/batch/', ...changes });
}

export const BATCH_AND_MONITORING_CASES: readonly HostileCase[] = [
  // batch: the shape
  { name: 'batch is a string', route: '/pipelines', body: withLast({ batch: 's3://bucket/in' }), path: AT_BATCH },
  { name: 'batch is an array', route: '/pipelines', body: withLast({ batch: [BATCH] }), path: AT_BATCH },
  { name: 'batch is null', route: '/pipelines', body: withLast({ batch: null }), path: AT_BATCH },
  { name: 'batch without input', route: '/pipelines', body: withLast({ batch: { output: 'out/' } }), path: `${AT_BATCH}.input` },
  { name: 'batch without output', route: '/pipelines', body: withLast({ batch: { input: 'in/' } }), path: `${AT_BATCH}.output` },
  { name: 'an unknown batch key', route: '/pipelines', body: batch({ instanceType: 'ml.m5.large' }), path: `${AT_BATCH}.instanceType` },
  { name: 'a prototype key in batch', route: '/pipelines', body: JSON.parse('{"name":"churn","artifact":"churn/model.tar.gz","image":{"framework":"xgboost","version":"1.7-1"},"environments":[{"name":"scoring","batch":{"input":"in/","output":"out/","__proto__":{"x":1}}}]}'), path: 'environments[0].batch.__proto__' },
  // batch: keys and prefixes
  { name: 'a numeric input', route: '/pipelines', body: batch({ input: 42 }), path: `${AT_BATCH}.input` },
  { name: 'an empty input', route: '/pipelines', body: batch({ input: '' }), path: `${AT_BATCH}.input` },
  { name: 'an input with a leading slash', route: '/pipelines', body: batch({ input: '/scoring/in/' }), path: `${AT_BATCH}.input` },
  { name: 'path traversal in the input', route: '/pipelines', body: batch({ input: 'scoring/../../secrets/' }), path: `${AT_BATCH}.input` },
  { name: 'a control character in the input', route: '/pipelines', body: batch({ input: 'scoring/\u0000in/' }), path: `${AT_BATCH}.input` },
  { name: 'an input key longer than S3 allows', route: '/pipelines', body: batch({ input: `${'x'.repeat(1100)}/` }), path: `${AT_BATCH}.input` },
  { name: 'an output without a trailing slash', route: '/pipelines', body: batch({ output: 'scoring/out' }), path: `${AT_BATCH}.output` },
  { name: 'an output under the input', route: '/pipelines', body: batch({ output: 'scoring/in/results/' }), path: `${AT_BATCH}.output` },
  { name: 'an input under the output', route: '/pipelines', body: batch({ input: 'scoring/out/raw/' }), path: `${AT_BATCH}.output` },
  { name: 'the same prefix for input and output', route: '/pipelines', body: batch({ input: 'scoring/', output: 'scoring/' }), path: `${AT_BATCH}.output` },
  { name: 'an output under config/', route: '/pipelines', body: batch({ output: 'config/out/' }), path: `${AT_BATCH}.output` },
  { name: 'path traversal in the output', route: '/pipelines', body: batch({ output: '../out/' }), path: `${AT_BATCH}.output` },
  // batch: transform settings
  { name: 'a content type that is no MIME type', route: '/pipelines', body: batch({ contentType: 'csv' }), path: `${AT_BATCH}.contentType` },
  { name: 'a content type with a newline', route: '/pipelines', body: batch({ contentType: 'text/csv\nX-Injected: 1' }), path: `${AT_BATCH}.contentType` },
  { name: 'an accept that is a number', route: '/pipelines', body: batch({ accept: 7 }), path: `${AT_BATCH}.accept` },
  { name: 'an unknown split type', route: '/pipelines', body: batch({ splitType: 'Lines' }), path: `${AT_BATCH}.splitType` },
  { name: 'a split type in the wrong case', route: '/pipelines', body: batch({ splitType: 'line' }), path: `${AT_BATCH}.splitType` },
  { name: 'a payload of 0 MB', route: '/pipelines', body: batch({ maxPayloadMb: 0 }), path: `${AT_BATCH}.maxPayloadMb` },
  { name: 'a payload over 100 MB', route: '/pipelines', body: batch({ maxPayloadMb: 101 }), path: `${AT_BATCH}.maxPayloadMb` },
  { name: 'a fractional payload', route: '/pipelines', body: batch({ maxPayloadMb: 1.5 }), path: `${AT_BATCH}.maxPayloadMb` },
  { name: 'a payload as a string', route: '/pipelines', body: batch({ maxPayloadMb: '6' }), path: `${AT_BATCH}.maxPayloadMb` },
  { name: 'negative parallel transforms', route: '/pipelines', body: batch({ maxConcurrentTransforms: -1 }), path: `${AT_BATCH}.maxConcurrentTransforms` },
  { name: 'parallel payloads over 100 MB', route: '/pipelines', body: batch({ maxConcurrentTransforms: 20, maxPayloadMb: 10 }), path: `${AT_BATCH}.maxConcurrentTransforms` },
  // batch: the check
  { name: 'a check that is a list', route: '/pipelines', body: batch({ check: [] }), path: `${AT_BATCH}.check` },
  { name: 'a minObjects of 0', route: '/pipelines', body: batch({ check: { minObjects: 0 } }), path: `${AT_BATCH}.check.minObjects` },
  { name: 'a huge minObjects', route: '/pipelines', body: batch({ check: { minObjects: 1e12 } }), path: `${AT_BATCH}.check.minObjects` },
  { name: 'an empty bodyContains text', route: '/pipelines', body: batch({ check: { bodyContains: [''] } }), path: `${AT_BATCH}.check.bodyContains[0]` },
  { name: 'bodyContains as a string', route: '/pipelines', body: batch({ check: { bodyContains: 'score' } }), path: `${AT_BATCH}.check.bodyContains` },
  { name: 'a JSON path without $', route: '/pipelines', body: batch({ check: { jsonPath: [{ path: 'score' }] } }), path: `${AT_BATCH}.check.jsonPath[0].path` },
  { name: 'a JSON path with min above max', route: '/pipelines', body: batch({ check: { jsonPath: [{ path: '$.score', min: 2, max: 1 }] } }), path: `${AT_BATCH}.check.jsonPath[0].min` },
  { name: 'equalsJson that is not JSON', route: '/pipelines', body: batch({ check: { jsonPath: [{ path: '$.label', equalsJson: 'churn' }] } }), path: `${AT_BATCH}.check.jsonPath[0].equalsJson` },
  { name: 'a check over the 4096 bytes of its CloudFormation parameter', route: '/pipelines', body: batch({ check: { bodyContains: Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(250, 'x')) } }), path: AT_BATCH },
  { name: 'a status check on batch output', route: '/pipelines', body: batch({ check: { status: 200 } }), path: `${AT_BATCH}.check.status` },
  // batch: where it may be, and what it may not be with
  { name: 'a batch environment that is not last', route: '/pipelines', body: { ...BASE, environments: [{ name: 'scoring', batch: BATCH }, BASE.environments[0]] }, path: 'environments[0].batch' },
  { name: 'two batch environments', route: '/pipelines', body: { ...BASE, environments: [{ name: 'a', batch: BATCH }, { name: 'b', batch: { input: 'b/in/', output: 'b/out/' } }] }, path: 'environments[0].batch' },
  { name: 'batch with serverless', route: '/pipelines', body: withLast({ batch: BATCH, serverless: { memorySizeMb: 2048, maxConcurrency: 2 } }), path: 'environments[2].serverless' },
  { name: 'batch with autoScaling', route: '/pipelines', body: withLast({ batch: BATCH, autoScaling: { maxInstances: 4, targetInvocationsPerInstance: 100 } }), path: 'environments[2].autoScaling' },
  { name: 'batch with dataCapture', route: '/pipelines', body: withLast({ batch: BATCH, dataCapture: { samplingPercentage: 10 } }), path: 'environments[2].dataCapture' },
  { name: 'batch with request tests', route: '/pipelines', body: withLast({ batch: BATCH, tests: [{ body: '1,2' }] }), path: 'environments[2].tests' },
  { name: 'batch with monitoring', route: '/pipelines', body: withLast({ batch: BATCH, monitoring: MONITORING }), path: 'environments[2].monitoring' },
  { name: 'batch with an unknown instance type', route: '/pipelines', body: withLast({ batch: BATCH, instanceType: 'ml.m5.gigantic' }), path: 'environments[2].instanceType' },
  // monitoring
  { name: 'monitoring is true', route: '/pipelines', body: withProd({ monitoring: true }), path: AT_MONITORING },
  { name: 'monitoring without a dataset', route: '/pipelines', body: withProd({ monitoring: {} }), path: `${AT_MONITORING}.baselineDataset` },
  { name: 'a dataset key with traversal', route: '/pipelines', body: monitoring({ baselineDataset: '../other-team/train.csv' }), path: `${AT_MONITORING}.baselineDataset` },
  { name: 'a dataset key with a leading slash', route: '/pipelines', body: monitoring({ baselineDataset: '/train.csv' }), path: `${AT_MONITORING}.baselineDataset` },
  { name: 'a dataset key full of unicode controls', route: '/pipelines', body: monitoring({ baselineDataset: 'train\u202e\u0007.csv' }), path: `${AT_MONITORING}.baselineDataset` },
  { name: 'a dataset as an S3 URI object', route: '/pipelines', body: monitoring({ baselineDataset: { bucket: 'b', key: 'k' } }), path: `${AT_MONITORING}.baselineDataset` },
  { name: 'an unknown dataset format', route: '/pipelines', body: monitoring({ datasetFormat: 'parquet' }), path: `${AT_MONITORING}.datasetFormat` },
  { name: 'an unknown frequency', route: '/pipelines', body: monitoring({ frequency: 'weekly' }), path: `${AT_MONITORING}.frequency` },
  { name: 'a cron expression as frequency', route: '/pipelines', body: monitoring({ frequency: 'cron(0 * ? * * *)' }), path: `${AT_MONITORING}.frequency` },
  { name: 'a processing instance type without ml.', route: '/pipelines', body: monitoring({ instanceType: 'm5.xlarge' }), path: `${AT_MONITORING}.instanceType` },
  { name: 'a huge instance type string', route: '/pipelines', body: monitoring({ instanceType: `ml.${'m'.repeat(5000)}.xlarge` }), path: `${AT_MONITORING}.instanceType` },
  { name: 'zero monitoring instances', route: '/pipelines', body: monitoring({ instanceCount: 0 }), path: `${AT_MONITORING}.instanceCount` },
  { name: '101 monitoring instances', route: '/pipelines', body: monitoring({ instanceCount: 101 }), path: `${AT_MONITORING}.instanceCount` },
  { name: 'a zero violations threshold', route: '/pipelines', body: monitoring({ violationsThreshold: 0 }), path: `${AT_MONITORING}.violationsThreshold` },
  { name: 'an infinite-looking threshold', route: '/pipelines', body: monitoring({ violationsThreshold: 1e300 }), path: `${AT_MONITORING}.violationsThreshold` },
  { name: 'an unknown monitoring key', route: '/pipelines', body: monitoring({ modelQuality: { problemType: 'Regression' } }), path: `${AT_MONITORING}.modelQuality` },
  { name: 'monitoring on a serverless environment', route: '/pipelines', body: withProd({ instanceCount: undefined, serverless: { memorySizeMb: 2048, maxConcurrency: 2 }, monitoring: MONITORING }), path: AT_MONITORING },
  // v1.0 batch requests
  { name: 'v1.0 batch without batch_inference_data', route: '/provisionpipeline', body: v1({ batch_inference_data: '' }), path: 'batch_inference_data' },
  { name: 'v1.0 batch with traversal in batch_inference_data', route: '/provisionpipeline', body: v1({ batch_inference_data: '../x/' }), path: 'batch_inference_data' },
  { name: 'v1.0 batch with a numeric batch_inference_data', route: '/provisionpipeline', body: v1({ batch_inference_data: 3 }), path: 'batch_inference_data' },
  { name: 'v1.0 with an unknown inference_type', route: '/provisionpipeline', body: v1({ inference_type: 'streaming' }), path: 'inference_type' },
  { name: 'v1.0 batch without the inference_type key', route: '/provisionpipeline', body: (() => { const b = v1({}) as Record<string, unknown>; delete b.inference_type; return b; })(), path: 'inference_type' },
  { name: 'v1.0 batch reading its own output', route: '/provisionpipeline', body: v1({ batch_inference_data: 'batch-output/' }), path: 'batch_inference_data' },
];
