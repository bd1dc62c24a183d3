import { Framework, TrainingImage } from '../../src';
import { isTrainingVersion, trainingFrameworkVersions } from '../../src/catalog/framework-catalog';

describe('built-in training images', () => {
  test('XGBoost and scikit-learn train with their inference images, as the SDK\'s tables list them', () => {
    expect(trainingFrameworkVersions('xgboost')).toEqual(['1.5-1', '1.7-1', '3.0-5', '3.2-0']);
    expect(trainingFrameworkVersions('sklearn')).toEqual(['1.2-1', '1.4-2-py312', '1.9-0']);
    expect(isTrainingVersion('xgboost', '1.7-1')).toBe(true);
  });

  test('the deep learning frameworks\' inference images do not train', () => {
    for (const framework of ['pytorch', 'tensorflow', 'huggingface-pytorch']) {
      expect(trainingFrameworkVersions(framework)).toEqual([]);
    }
    expect(() => TrainingImage.fromFramework(Framework.TENSORFLOW, '2.16'))
      .toThrow('image: TensorFlow has no built-in training image in this library yet; use XGBoost or scikit-learn, or your own image');
  });

  test('an unknown version is refused with the versions the catalog knows', () => {
    expect(() => TrainingImage.fromFramework(Framework.XGBOOST, '0.90-1')).toThrow(/Unknown XGBoost version "0.90-1": known versions are 1.5-1, 1.7-1/);
  });
});
