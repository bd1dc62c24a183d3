import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Framework, TrainingImage, TrainingPipelineProps } from '../../src';
import { TRAINING_SPEC_VARIABLE } from '../../src/contract/training-settings';
import { modelBucket } from '../pipeline/fixtures';

/** Minimal valid props of an XGBoost training pipeline; spread and override per test. */
export function trainingProps(stack: Stack, overrides: Partial<TrainingPipelineProps> = {}): TrainingPipelineProps {
  return {
    pipelineName: 'churn-training',
    trainingData: { bucket: modelBucket(stack, 'Data'), key: 'churn/train.csv', contentType: 'text/csv' },
    image: TrainingImage.fromFramework(Framework.XGBOOST, '1.7-1'),
    hyperParameters: { objective: 'binary:logistic', num_round: '50' },
    ...overrides,
  };
}

/**
 * The settings the train function reads, from its environment variable in a
 * synthesized template; each deploy-time value (a bucket name, an ARN) reads `<token>`.
 */
export function trainSettingsIn(template: Template): any {
  const functions = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [TRAINING_SPEC_VARIABLE]: Match.anyValue() } } } });
  const values = Object.values(functions).map((fn: any) => fn.Properties.Environment.Variables[TRAINING_SPEC_VARIABLE]);
  if (values.length !== 1) {
    throw new Error(`expected one train function, found ${values.length}`);
  }
  const value = values[0];
  const text = typeof value === 'string' ? value : (value['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : '<token>')).join('');
  return JSON.parse(text);
}
