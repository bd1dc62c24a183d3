import { botocoreEnum } from './botocore-models';
import { instanceTypesFor } from '../../src/catalog/instance-types';

/**
 * The instance types requests and constructs accept are SageMaker's own
 * lists: the enums of the SageMaker API in botocore's model, which SageMaker
 * enforces (a type outside them is a ValidationException at the first call).
 */
test('endpoint instance types are exactly ProductionVariantInstanceType', () => {
  expect([...instanceTypesFor('hosting')].sort()).toEqual([...botocoreEnum('sagemaker', 'ProductionVariantInstanceType')].sort());
});

test('batch transform instance types are exactly TransformInstanceType', () => {
  expect([...instanceTypesFor('transform')].sort()).toEqual([...botocoreEnum('sagemaker', 'TransformInstanceType')].sort());
});

test('training instance types are exactly TrainingInstanceType', () => {
  expect([...instanceTypesFor('training')].sort()).toEqual([...botocoreEnum('sagemaker', 'TrainingInstanceType')].sort());
});
