import * as s3 from 'aws-cdk-lib/aws-s3';
import { deployWorldStack, worldStack } from './world-stacks';
import { Framework, TrainingImage, TrainingPipeline } from '../../../src';
import { ActingRole } from '../handler-calls/acting-role';
import { PolicyWorld } from '../handler-calls/policy-world';

/** The names the training fixtures use (test/training/train-fixtures.ts). */
export const TRAINING_NAMES = {
  dataBucket: 'team-data',
  workBucket: 'churn-training-work',
  trainingRole: 'churn-training-sagemaker',
};

let world: PolicyWorld | undefined;

/**
 * The churn training pipeline as a team deploys it: XGBoost on the team's
 * `churn/train.csv`, spot training, registering pending manual approval, with
 * the generated names of the pipeline's bucket and training role set to the
 * fixtures'.
 */
export function trainingWorld(): PolicyWorld {
  if (!world) {
    const stack = worldStack('ChurnTraining');
    const data = s3.Bucket.fromBucketName(stack, 'Data', TRAINING_NAMES.dataBucket);
    new TrainingPipeline(stack, 'Churn', {
      pipelineName: 'churn-training',
      trainingData: { bucket: data, key: 'churn/train.csv', contentType: 'text/csv' },
      image: TrainingImage.fromFramework(Framework.XGBOOST, '1.7-1'),
      hyperParameters: { objective: 'binary:logistic', num_round: '50' },
      spot: {},
    });
    world = new PolicyWorld('churn training pipeline', [deployWorldStack(stack, {
      ChurnWorkBucket: TRAINING_NAMES.workBucket,
      ChurnTrainingRole: TRAINING_NAMES.trainingRole,
    })]);
  }
  return world;
}

let train: ActingRole | undefined;

/** The training pipeline's train function (Train, Register), acting as its role. */
export function trainingTrain(): ActingRole {
  train ??= { handler: 'train', world: trainingWorld(), role: trainingWorld().role('ChurnTrainRole') };
  return train;
}
