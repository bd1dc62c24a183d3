import { problemAt, problemsOf } from './fixtures';
import { fromV1ProvisionRequest, fromV1StatusRequest, validatePipelineRequest } from '../../src/config/validate';

function v1Body(): Record<string, string> {
  return {
    pipeline_type: 'byom',
    model_name: 'churn',
    model_framework: 'xgboost',
    model_framework_version: '1.7-1',
    model_artifact_location: 'churn/model.tar.gz',
    custom_model_container: '',
    training_data: 'churn/train.csv',
    inference_instance: 'ml.m5.large',
    inference_type: 'realtime',
    batch_inference_data: '',
  };
}

describe('v1.0 provisioning request', () => {
  test('a built-in framework body maps exactly', () => {
    expect(fromV1ProvisionRequest(v1Body())).toEqual({
      ok: true,
      value: {
        name: 'churn',
        artifact: 'churn/model.tar.gz',
        image: { framework: 'xgboost', version: '1.7-1' },
        environments: [{ name: 'default', instanceType: 'ml.m5.large' }],
      },
    });
  });

  test('a custom container replaces the framework, which may then be empty', () => {
    const body = { ...v1Body(), custom_model_container: 'churn/container.zip', model_framework: '', model_framework_version: '' };
    expect(fromV1ProvisionRequest(body)).toEqual({
      ok: true,
      value: {
        name: 'churn',
        artifact: 'churn/model.tar.gz',
        image: { containerSource: 'churn/container.zip' },
        environments: [{ name: 'default', instanceType: 'ml.m5.large' }],
      },
    });
  });

  test.each(Object.keys(v1Body()))('a missing %s is reported at its key', (key) => {
    const body: Record<string, string> = v1Body();
    delete body[key];
    expect(problemsOf(fromV1ProvisionRequest(body))).toEqual([{ path: key, message: 'is required' }]);
  });

  test('a batch body maps onto one batch environment over batch_inference_data, writing under batch-output/<model_name>/', () => {
    const body = { ...v1Body(), inference_type: 'batch', inference_instance: 'ml.c5.xlarge', batch_inference_data: 'churn/batch.csv' };
    expect(fromV1ProvisionRequest(body)).toEqual({
      ok: true,
      value: {
        name: 'churn',
        artifact: 'churn/model.tar.gz',
        image: { framework: 'xgboost', version: '1.7-1' },
        environments: [{ name: 'default', instanceType: 'ml.c5.xlarge', batch: { input: 'churn/batch.csv', output: 'batch-output/churn/' } }],
      },
    });
  });

  test('a realtime body ignores batch_inference_data (still checked as a key)', () => {
    const result = fromV1ProvisionRequest({ ...v1Body(), batch_inference_data: 'churn/batch.csv' });
    expect(result.ok && result.value.environments).toEqual([{ name: 'default', instanceType: 'ml.m5.large' }]);
  });

  test('a batch body\'s inference_instance must be a batch transform instance type; a realtime body\'s a hosting one', () => {
    const batch = { ...v1Body(), inference_type: 'batch', batch_inference_data: 'churn/batch.csv' };
    expect(problemAt(fromV1ProvisionRequest({ ...batch, inference_instance: 'ml.c5.large' }), 'inference_instance').message)
      .toBe('"ml.c5.large" is not a SageMaker batch transform instance type (did you mean "ml.c5.xlarge"?)');
    expect(fromV1ProvisionRequest({ ...v1Body(), inference_instance: 'ml.c5.large' }).ok).toBe(true);
  });

  test('a batch body needs batch_inference_data', () => {
    expect(problemsOf(fromV1ProvisionRequest({ ...v1Body(), inference_type: 'batch' }))).toEqual([{
      path: 'batch_inference_data',
      message: 'is required when inference_type is "batch": the key (or key prefix) of the data to transform in the assets bucket',
    }]);
  });

  test('a batch body\'s batch_inference_data follows the key rules and may not overlap the output', () => {
    expect(problemAt(fromV1ProvisionRequest({ ...v1Body(), inference_type: 'batch', batch_inference_data: '../batch.csv' }), 'batch_inference_data').message)
      .toContain('must not have "." or ".." segments');
    expect(problemAt(fromV1ProvisionRequest({ ...v1Body(), inference_type: 'batch', batch_inference_data: 'batch-output/churn/in.csv' }), 'batch_inference_data').message)
      .toBe('"batch-output/churn/in.csv" and the batch output "batch-output/churn/" overlap (one starts with the other): '
        + 'the transform reads every object under its input, so its results would be read back as input');
    expect(problemAt(fromV1ProvisionRequest({ ...v1Body(), inference_type: 'batch', batch_inference_data: 'batch' }), 'batch_inference_data').message)
      .toMatch(/^"batch" and the batch output "batch-output\/churn\/" overlap/);
  });

  test('a batch body with a bad model name reports the name only', () => {
    expect(problemsOf(fromV1ProvisionRequest({ ...v1Body(), inference_type: 'batch', model_name: 'Churn', batch_inference_data: 'b.csv' })).map((p) => p.path))
      .toEqual(['model_name']);
  });

  test.each([
    ['realtime', {}],
    ['batch', { inference_type: 'batch', batch_inference_data: 'churn/batch/' }],
    ['custom container batch', { inference_type: 'batch', batch_inference_data: 'churn/batch.csv', custom_model_container: 'churn/c.zip' }],
  ])('a mapped %s body is a request the validator accepts unchanged', (_what, changes) => {
    const mapped = fromV1ProvisionRequest({ ...v1Body(), ...changes });
    expect(mapped.ok).toBe(true);
    if (mapped.ok) expect(validatePipelineRequest(mapped.value)).toEqual({ ok: true, value: mapped.value });
  });

  test('values are validated at their v1 keys', () => {
    const body = {
      ...v1Body(),
      pipeline_type: 'model_monitor',
      model_name: 'Churn_Model',
      model_framework_version: '0.90-1',
      model_artifact_location: '../model.tar.gz',
      training_data: '/train.csv',
      inference_instance: 'ml.m5.huge',
      inference_type: 'streaming',
      batch_inference_data: 'a\u0000b',
    };
    const problems = problemsOf(fromV1ProvisionRequest(body));
    expect(problems.map((p) => p.path).sort()).toEqual([
      'batch_inference_data', 'inference_instance', 'inference_type', 'model_artifact_location', 'model_framework_version',
      'model_name', 'pipeline_type', 'training_data',
    ]);
    expect(problems.find((p) => p.path === 'inference_instance')!.message).toMatch(/did you mean "ml.m5.large"/);
    expect(problems.find((p) => p.path === 'model_framework_version')!.message).toMatch(/^"0.90-1" is not a known xgboost version \(known: /);
    expect(problems.find((p) => p.path === 'pipeline_type')!.message).toBe('"model_monitor" is not one of byom');
  });

  test('v1 frameworks without a counterpart list the known ones', () => {
    expect(problemAt(fromV1ProvisionRequest({ ...v1Body(), model_framework: 'mxnet' }), 'model_framework').message)
      .toBe('"mxnet" is not a v1.0 framework this version supports (known: xgboost, sklearn, pytorch, tensorflow); for another image, set custom_model_container');
  });

  test('values must be strings', () => {
    expect(problemAt(fromV1ProvisionRequest({ ...v1Body(), inference_instance: 1 }), 'inference_instance').message)
      .toBe('must be a SageMaker instance type (a string like "ml.m5.large"), got a number');
  });

  test('unknown keys and non-objects are refused', () => {
    expect(problemAt(fromV1ProvisionRequest({ ...v1Body(), model_role: 'x' }), 'model_role').message).toMatch(/^is not a known field/);
    expect(problemAt(fromV1ProvisionRequest('churn'), '').message).toBe('must be an object, got a string');
  });
});

describe('v1.0 status request', () => {
  test.each([
    'arn:aws:cloudformation:us-east-1:123456789012:stack/mlops-pipeline-churn/0f8d2b20-6bd4-11ee-8c99-0242ac120002',
    'mlops-pipeline-churn',
  ])('%p is a pipeline id', (id) => {
    expect(fromV1StatusRequest({ pipeline_id: id })).toEqual({ ok: true, value: { pipelineId: id } });
  });
  test('anything else is refused at pipeline_id', () => {
    expect(problemAt(fromV1StatusRequest({ pipeline_id: 'not a stack' }), 'pipeline_id').message)
      .toBe('"not a stack" is neither a CloudFormation stack ARN nor a stack name');
    expect(problemAt(fromV1StatusRequest({}), 'pipeline_id').message).toBe('is required');
    expect(problemAt(fromV1StatusRequest({ pipeline_id: 3 }), 'pipeline_id').message).toBe('must be a string, got a number');
    expect(problemAt(fromV1StatusRequest(null), '').message).toBe('must be an object, got null');
  });
});
