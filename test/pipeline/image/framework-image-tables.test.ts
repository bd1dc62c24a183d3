import { readFileSync } from 'fs';
import { join } from 'path';
import { FRAMEWORK_IMAGES_FILE, frameworkImagesText, publishedImages, sdkPin } from '../../../build-tools/framework-image-tables';
import { MODEL_MONITOR_IMAGE, PUBLISHED_FRAMEWORKS, SAGEMAKER_SDK_TABLES } from '../../../src/catalog/framework-images.generated';

test('the committed framework-images.generated.ts is what the generator writes from the pinned SDK wheel', () => {
  const committed = readFileSync(join(__dirname, '..', '..', '..', FRAMEWORK_IMAGES_FILE), 'utf8');
  if (committed !== frameworkImagesText()) {
    throw new Error(`${FRAMEWORK_IMAGES_FILE} is out of date: run "npx projen python-tools && npx projen framework-catalog" and commit the result`);
  }
});

test('the generated data names the pinned SDK release', () => {
  const pin = sdkPin();
  expect(SAGEMAKER_SDK_TABLES).toBe(`${pin.name} ${pin.version}`);
  expect(PUBLISHED_FRAMEWORKS.map((f) => f.id)).toEqual(['xgboost', 'sklearn', 'pytorch', 'tensorflow', 'huggingface-pytorch']);
  expect(MODEL_MONITOR_IMAGE.repository).toBe('sagemaker-model-monitor-analyzer');
});

/** SDK tables as small as the rules under test need, in the SDK's shape. */
function tables(overrides: Record<string, unknown> = {}): Map<string, unknown> {
  const registries = { 'us-east-1': '111111111111', 'eu-west-1': '222222222222' };
  const flat = (repository: string, extra: object = {}) => ({ registries, repository, ...extra });
  return new Map<string, unknown>(Object.entries({
    'xgboost': { inference: { version_aliases: { latest: '1' }, versions: { '1': flat('sagemaker-xgboost'), '1.5-1': flat('sagemaker-xgboost') } } },
    'sklearn': { inference: { versions: { '1.2-1': flat('sagemaker-scikit-learn', { processors: ['cpu'], py_versions: ['py3'] }) } } },
    'pytorch': {
      inference: {
        processors: ['cpu', 'gpu'],
        version_aliases: Object.fromEntries([['2.3', '2.3.0']]),
        versions: {
          '2.2.0': flat('pytorch-inference', { py_versions: ['py310'] }),
          '2.3.0': flat('pytorch-inference', { py_versions: ['py310', 'py311'] }),
          '2.4.0': flat('pytorch-inference', { py_versions: ['py311'], tag_prefix: '2.4.0-special' }),
          '2.4.1': flat('pytorch-inference', { py_versions: ['py311'], processor_in_tag: false }),
        },
      },
    },
    'tensorflow': { inference: { processors: ['cpu', 'gpu'], versions: { '2.16.1': flat('tensorflow-inference') } } },
    'huggingface': {
      inference: {
        processors: ['gpu', 'cpu'],
        version_aliases: Object.fromEntries([['4.49', '4.49.0']]),
        versions: {
          '4.48.0': {
            'version_aliases': { pytorch2: 'pytorch2.3.0', tensorflow2: 'tensorflow2.9.0' },
            'pytorch2.3.0': flat('huggingface-pytorch-inference', { py_versions: ['py311'], container_version: { gpu: 'cu121-ubuntu22.04', cpu: 'ubuntu22.04' } }),
            'tensorflow2.9.0': flat('huggingface-tensorflow-inference', { py_versions: ['py39'] }),
          },
          '4.49.0': { 'pytorch2.6.0': flat('huggingface-pytorch-inference', { py_versions: ['py312'] }) },
        },
      },
    },
    'model-monitor': { scope: ['monitoring'], versions: { '': flat('sagemaker-model-monitor-analyzer') } },
    ...overrides,
  }));
}

function version(framework: string, name: string) {
  const found = publishedImages(tables()).frameworks.find((f) => f.id === framework)!.versions.find((v) => v.version === name);
  if (!found) {
    throw new Error(`${framework} ${name} not generated`);
  }
  return found;
}

describe('the generator composes tags as the SDK does', () => {
  test('a table without processors serves cpu and gpu from one image, tagged with the version', () => {
    expect(version('xgboost', '1.5-1').tags).toEqual({ cpu: '1.5-1', gpu: '1.5-1' });
  });

  test('only the processors listed get a tag, with the Python version after them', () => {
    expect(version('sklearn', '1.2-1').tags).toEqual({ cpu: '1.2-1-cpu-py3' });
  });

  test('of several Python versions the newest is taken', () => {
    expect(version('pytorch', '2.3.0').tags).toEqual({ cpu: '2.3.0-cpu-py311', gpu: '2.3.0-gpu-py311' });
  });

  test('a tag prefix replaces the version, and a version may leave the processor out of its tag', () => {
    expect(version('pytorch', '2.4.0').tags.gpu).toBe('2.4.0-special-gpu-py311');
    expect(version('pytorch', '2.4.1').tags).toEqual({ cpu: '2.4.1-py311', gpu: '2.4.1-py311' });
  });

  test('no Python version, no Python part', () => {
    expect(version('tensorflow', '2.16.1').tags).toEqual({ cpu: '2.16.1-cpu', gpu: '2.16.1-gpu' });
  });

  test('Hugging Face: the base framework version first, then the container version per processor; TensorFlow bases left out', () => {
    expect(version('huggingface-pytorch', '4.48.0-pytorch2.3.0')).toEqual(expect.objectContaining({
      repository: 'huggingface-pytorch-inference',
      tags: { cpu: '2.3.0-transformers4.48.0-cpu-py311-ubuntu22.04', gpu: '2.3.0-transformers4.48.0-gpu-py311-cu121-ubuntu22.04' },
    }));
    const ids = publishedImages(tables()).frameworks.find((f) => f.id === 'huggingface-pytorch')!.versions.map((v) => v.version);
    expect(ids).toEqual(['4.48.0-pytorch2.3.0', '4.49.0-pytorch2.6.0']);
  });
});

describe('versions and their short forms', () => {
  test('versions older than the catalog\'s oldest are left out, and the rest sorted by their numbers', () => {
    expect(publishedImages(tables()).frameworks.find((f) => f.id === 'pytorch')!.versions.map((v) => v.version)).toEqual(['2.3.0', '2.4.0', '2.4.1']);
    expect(publishedImages(tables()).frameworks.find((f) => f.id === 'xgboost')!.versions.map((v) => v.version)).toEqual(['1.5-1']);
  });

  test('the SDK\'s aliases, and a major.minor only where the SDK names none and one version has it', () => {
    expect(version('pytorch', '2.3.0').aliases).toEqual(['2.3']);
    // 2.4.0 and 2.4.1 share 2.4: neither takes it.
    expect(version('pytorch', '2.4.0').aliases).toEqual([]);
    expect(version('tensorflow', '2.16.1').aliases).toEqual(['2.16']);
    expect(version('xgboost', '1.5-1').aliases).toEqual([]);
  });

  test('Hugging Face: every mix of the transformers and base short forms', () => {
    expect(version('huggingface-pytorch', '4.48.0-pytorch2.3.0').aliases).toEqual(['4.48-pytorch2', '4.48-pytorch2.3', '4.48-pytorch2.3.0', '4.48.0-pytorch2', '4.48.0-pytorch2.3']);
    expect(version('huggingface-pytorch', '4.49.0-pytorch2.6.0').aliases).toEqual(['4.49-pytorch2.6', '4.49-pytorch2.6.0', '4.49.0-pytorch2.6']);
  });

  test('a table that drops the catalog\'s oldest version is an error, not a silent loss', () => {
    const shrunk = tables({ sklearn: { inference: { versions: { '1.4-2': { registries: {}, repository: 'sagemaker-scikit-learn' } } } } });
    expect(() => publishedImages(shrunk)).toThrow(/sklearn table no longer lists 1\.2-1/);
  });

  test('a version in a shape the generator does not read is an error', () => {
    const nested = tables({ tensorflow: { inference: { versions: { '2.16.1': { py310: { registries: {}, repository: 'x' } } } } } });
    expect(() => publishedImages(nested)).toThrow(/tensorflow table lists 2\.16\.1 in a shape the generator does not read/);
  });
});

test('accounts are sorted by region', () => {
  expect(Object.keys(version('xgboost', '1.5-1').accounts)).toEqual(['eu-west-1', 'us-east-1']);
  expect(publishedImages(tables()).modelMonitor).toEqual({ repository: 'sagemaker-model-monitor-analyzer', accounts: { 'eu-west-1': '222222222222', 'us-east-1': '111111111111' } });
});

describe('the generator marks the versions whose image also trains', () => {
  const registries = { 'us-east-1': '111111111111', 'eu-west-1': '222222222222' };
  const xgboost = (training: Record<string, unknown>) => ({
    inference: { versions: { '1.5-1': { registries, repository: 'sagemaker-xgboost' }, '1.7-1': { registries, repository: 'sagemaker-xgboost' } } },
    training: { versions: training },
  });
  const generated = (training: Record<string, unknown>) =>
    publishedImages(tables({ xgboost: xgboost(training) })).frameworks.find((f) => f.id === 'xgboost')!.versions;

  test('a version the training scope lists with the same repository, tags and registries trains', () => {
    const versions = generated({ '1.5-1': { registries, repository: 'sagemaker-xgboost' }, '1.7-1': { registries, repository: 'sagemaker-xgboost' } });
    expect(versions.map((v) => v.trains)).toEqual([true, true]);
  });

  test('another repository, other registries or no training entry do not', () => {
    expect(generated({ '1.5-1': { registries, repository: 'xgboost-training' } })[0].trains).toBeUndefined();
    expect(generated({ '1.5-1': { registries: { 'us-east-1': '333333333333' }, repository: 'sagemaker-xgboost' } })[0].trains).toBeUndefined();
    expect(generated({})[1].trains).toBeUndefined();
    expect(publishedImages(tables()).frameworks.flatMap((f) => f.versions).some((v) => v.trains)).toBe(false);
  });
});
