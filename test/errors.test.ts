import * as fs from 'fs';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as index from '../src';
import { ByomPipeline, Framework, MlopsErrors, MlopsFramework, MlopsValidationError, ModelImage } from '../src';
import { basicProps, modelBucket, newStack, thrownBy } from './pipeline/fixtures';
import { frameworkImageUri, lookupFrameworkImage } from '../src/catalog/framework-catalog';
import { modelMonitorImageUri } from '../src/catalog/model-monitor-catalog';
import { sageMakerName } from '../src/contract/naming';

// A plain copy of fs, so a test can make the blueprint templates disappear.
jest.mock('fs', () => ({ __esModule: true, ...jest.requireActual('fs') }));

describe('MlopsErrors', () => {
  test('recognizes a construct\'s props error and lists its problems, each naming the prop', () => {
    const stack = newStack();
    const error = thrownBy(() => new ByomPipeline(stack, 'Churn', basicProps(stack, { keepReleases: 0, pipelineName: 'no spaces' })));
    expect(MlopsErrors.isValidationError(error)).toBe(true);
    const problems = MlopsErrors.validationProblems(error);
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^pipelineName: /), expect.stringMatching(/^keepReleases: /)]));
    expect((error as Error).message).toBe(`Invalid ByomPipeline props:\n  - ${problems.join('\n  - ')}`);
    expect((error as Error).name).toBe('MlopsValidationError');
  });

  test('says no to everything else, with no problems', () => {
    for (const other of [new Error('boom'), new TypeError('x'), null, undefined, 'Invalid props', 42, { problems: ['a: b'] }]) {
      expect(MlopsErrors.isValidationError(other)).toBe(false);
      expect(MlopsErrors.validationProblems(other)).toEqual([]);
    }
  });

  test('hands out a copy of the problems: the error keeps its own', () => {
    const error = new MlopsValidationError('ByomPipeline', ['modelName: is wrong']);
    MlopsErrors.validationProblems(error).push('extra: added by the caller');
    expect(MlopsErrors.validationProblems(error)).toEqual(['modelName: is wrong']);
  });

  test('recognizes the errors of another copy of the library loaded in the same app', () => {
    let OtherCopy: typeof MlopsValidationError | undefined;
    jest.isolateModules(() => {
      OtherCopy = jest.requireActual<typeof import('../src/errors/validation-error')>('../src/errors/validation-error').MlopsValidationError;
    });
    expect(OtherCopy).not.toBe(MlopsValidationError);
    const foreign = new OtherCopy!('image: from a construct library that brings its own copy');
    expect(foreign).not.toBeInstanceOf(MlopsValidationError);
    expect(MlopsErrors.isValidationError(foreign)).toBe(true);
    expect(MlopsErrors.validationProblems(foreign)).toEqual(['image: from a construct library that brings its own copy']);
  });
});

describe('MlopsValidationError', () => {
  test('is exported for TypeScript: a caught error can be checked with instanceof and is an Error', () => {
    const stack = newStack();
    const error = thrownBy(() => new ByomPipeline(stack, 'Churn', basicProps(stack, { keepReleases: 0 })));
    expect(index.MlopsValidationError).toBe(MlopsValidationError);
    expect(error).toBeInstanceOf(MlopsValidationError);
    expect(error).toBeInstanceOf(Error);
  });

  test('one problem that is no construct\'s props is the whole message', () => {
    const error = new MlopsValidationError('grantInvoke: environment "scoring" is a batch environment');
    expect(error.message).toBe('grantInvoke: environment "scoring" is a batch environment');
    expect(error.problems).toEqual([error.message]);
  });
});

describe('every error about what a user gave is a validation error', () => {
  const expectValidationError = (run: () => unknown, message: RegExp) => {
    const error = thrownBy(run);
    expect(MlopsErrors.isValidationError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  };

  test('ModelImage.fromEcrRepository: a tag that is neither a tag nor a digest', () => {
    const stack = newStack();
    const repository = new ecr.Repository(stack, 'Repo');
    expectValidationError(() => ModelImage.fromEcrRepository(repository, 'not a tag'), /^image: "not a tag" is neither an ECR image tag nor a sha256 digest$/);
  });

  test('ModelImage.fromContainerSource: an unversioned bucket, a bad key', () => {
    const stack = newStack();
    const unversioned = new s3.Bucket(stack, 'Unversioned');
    expectValidationError(() => ModelImage.fromContainerSource(unversioned, 'churn/container.zip'), /^image: the container source bucket must have versioning enabled/);
    expectValidationError(() => ModelImage.fromContainerSource(modelBucket(stack), '/churn/container.zip'), /^image: container source key "\/churn\/container.zip" must be a non-empty S3 key/);
  });

  test('ModelImage.bind of a container source outside a pipeline', () => {
    const stack = newStack();
    const image = ModelImage.fromContainerSource(modelBucket(stack), 'churn/container.zip');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    expectValidationError(() => image.bind(stack, { role }), /^image: a container source image is bound by ByomPipeline/);
  });

  test('ByomPipeline.endpointName of an environment the pipeline does not have', () => {
    const stack = newStack();
    const pipeline = new ByomPipeline(stack, 'Churn', basicProps(stack));
    expectValidationError(() => pipeline.endpointName('prod'), /^ByomPipeline Test\/Churn has no environment "prod"$/);
  });

  test('MlopsFramework without its blueprint templates', () => {
    const stack = newStack();
    const realExists = fs.existsSync;
    const exists = jest.spyOn(fs, 'existsSync').mockImplementation((file) => !String(file).endsWith('.template.json') && realExists(file));
    try {
      expectValidationError(() => new MlopsFramework(stack, 'Mlops'), /^MlopsFramework: the blueprint template .*\.template\.json is missing; build it with `npx projen blueprints`$/);
    } finally {
      exists.mockRestore();
    }
  });

  test('the framework image catalog: an unknown framework, version, processor or region', () => {
    expectValidationError(() => ModelImage.fromFramework(Framework.XGBOOST, '0.0-0'), /^Unknown XGBoost version "0.0-0": known versions are /);
    expectValidationError(() => lookupFrameworkImage({ framework: 'caffe', version: '1', processor: 'cpu' }), /^Unknown framework "caffe": known frameworks are /);
    expectValidationError(() => lookupFrameworkImage({ framework: 'xgboost', version: '1.7-1', processor: 'tpu' }), /^Unknown processor "tpu" for XGBoost 1.7-1/);
    expectValidationError(() => frameworkImageUri({ framework: 'xgboost', version: '1.7-1', processor: 'cpu' }, 'xx-nowhere-1'), /images are not published in region "xx-nowhere-1"/);
    expectValidationError(() => modelMonitorImageUri('xx-nowhere-1'), /^The SageMaker Model Monitor analyzer image is not known in region "xx-nowhere-1"/);
  });

  test('a SageMaker name made of nothing SageMaker accepts', () => {
    expectValidationError(() => sageMakerName(['--', '__']), /^Cannot make a SageMaker name from \["--","__"\]$/);
  });
});
