import {
  ecrDomainSuffix,
  frameworkImageUri,
  knownFrameworks,
  knownFrameworkVersions,
  lookupFrameworkImage,
} from '../../../src/catalog/framework-catalog';

const ALL_FRAMEWORKS = ['xgboost', 'sklearn', 'pytorch', 'tensorflow', 'huggingface-pytorch'];

/** Every (framework, version) pair in the catalog. */
function everyVersion(): Array<[string, string]> {
  return knownFrameworks().flatMap(framework => knownFrameworkVersions(framework).map(v => [framework, v] as [string, string]));
}

function regionsOf(framework: string, version: string): string[] {
  return Object.keys(lookupFrameworkImage({ framework, version, processor: 'cpu' }).accounts);
}

describe('frameworkImageUri', () => {
  test.each([
    ['xgboost', '1.7-1', 'cpu', '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'],
    ['xgboost', '3.2-0', 'gpu', '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:3.2-0'],
    ['sklearn', '1.2-1', 'cpu', '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'],
    ['sklearn', '1.4-2-py312', 'cpu', '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-py312-cpu-py3'],
    ['pytorch', '2.6', 'cpu', '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.6.0-cpu-py312'],
    ['tensorflow', '2.19', 'gpu', '763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.19.0-gpu'],
    ['tensorflow', '2.20', 'cpu', '763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.20.0-cpu-py312'],
    [
      'huggingface-pytorch', '4.49.0-pytorch2.6.0', 'gpu',
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:2.6.0-transformers4.49.0-gpu-py312-cu124-ubuntu22.04',
    ],
  ])('%s %s %s in us-east-1, as the SageMaker SDK\'s image_uris.retrieve composes it', (framework, version, processor, uri) => {
    expect(frameworkImageUri({ framework, version, processor }, 'us-east-1')).toBe(uri);
  });

  test.each([
    ['xgboost', '1.7-1', 'af-south-1', '510948584623.dkr.ecr.af-south-1.amazonaws.com/sagemaker-xgboost:1.7-1'],
    ['sklearn', '1.2-1', 'me-south-1', '801668240914.dkr.ecr.me-south-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'],
    ['pytorch', '2.6.0', 'ap-east-1', '871362719292.dkr.ecr.ap-east-1.amazonaws.com/pytorch-inference:2.6.0-cpu-py312'],
    ['tensorflow', '2.19.0', 'eu-south-1', '692866216735.dkr.ecr.eu-south-1.amazonaws.com/tensorflow-inference:2.19.0-cpu'],
    [
      'huggingface-pytorch', '5.5.3-pytorch2.6.0', 'me-south-1',
      '217643126080.dkr.ecr.me-south-1.amazonaws.com/huggingface-pytorch-inference:2.6.0-transformers5.5.3-cpu-py312-ubuntu22.04',
    ],
  ])('%s %s in exception region %s uses that region\'s own registry', (framework, version, region, uri) => {
    expect(frameworkImageUri({ framework, version, processor: 'cpu' }, region)).toBe(uri);
  });

  test('PyTorch cpu and gpu images differ in the tag\'s processor only', () => {
    const cpu = lookupFrameworkImage({ framework: 'pytorch', version: '2.6', processor: 'cpu' });
    const gpu = lookupFrameworkImage({ framework: 'pytorch', version: '2.6', processor: 'gpu' });
    expect(cpu.tag).toBe('2.6.0-cpu-py312');
    expect(gpu.tag).toBe('2.6.0-gpu-py312');
    expect(gpu.repository).toBe(cpu.repository);
    expect(gpu.accounts).toEqual(cpu.accounts);

    expect(lookupFrameworkImage({ framework: 'pytorch', version: '2.3', processor: 'gpu' }).tag).toBe('2.3.0-gpu-py311');
  });

  test('Hugging Face tags name the PyTorch base, and the gpu tag its CUDA version', () => {
    expect(lookupFrameworkImage({ framework: 'huggingface-pytorch', version: '4.48.0-pytorch2.3.0', processor: 'gpu' }).tag)
      .toBe('2.3.0-transformers4.48.0-gpu-py311-cu121-ubuntu22.04');
    expect(lookupFrameworkImage({ framework: 'huggingface-pytorch', version: '4.48.0-pytorch2.3.0', processor: 'cpu' }).tag)
      .toBe('2.3.0-transformers4.48.0-cpu-py311-ubuntu22.04');
  });

  test('XGBoost serves GPU instances from the same image', () => {
    const cpu = lookupFrameworkImage({ framework: 'xgboost', version: '1.7-1', processor: 'cpu' });
    const gpu = lookupFrameworkImage({ framework: 'xgboost', version: '1.7-1', processor: 'gpu' });
    expect(gpu).toEqual(cpu);
  });

  test('short and full DLC versions select the same image', () => {
    expect(lookupFrameworkImage({ framework: 'pytorch', version: '2.5', processor: 'gpu' }))
      .toEqual(lookupFrameworkImage({ framework: 'pytorch', version: '2.5.1', processor: 'gpu' }));
    expect(lookupFrameworkImage({ framework: 'tensorflow', version: '2.16', processor: 'cpu' }).tag).toBe('2.16.1-cpu');
    expect(lookupFrameworkImage({ framework: 'huggingface-pytorch', version: '4.51-pytorch2.6', processor: 'cpu' }).tag)
      .toBe('2.6.0-transformers4.51.3-cpu-py312-ubuntu22.04');
  });

  test('China regions use the amazonaws.com.cn domain', () => {
    expect(frameworkImageUri({ framework: 'pytorch', version: '2.6', processor: 'gpu' }, 'cn-north-1'))
      .toBe('727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-inference:2.6.0-gpu-py312');
    expect(frameworkImageUri({ framework: 'xgboost', version: '1.7-1', processor: 'cpu' }, 'cn-northwest-1'))
      .toBe('451049120500.dkr.ecr.cn-northwest-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1');
  });

  test('ISO regions use their partition domain', () => {
    expect(frameworkImageUri({ framework: 'xgboost', version: '1.7-1', processor: 'cpu' }, 'us-iso-east-1'))
      .toBe('833128469047.dkr.ecr.us-iso-east-1.c2s.ic.gov/sagemaker-xgboost:1.7-1');
    expect(frameworkImageUri({ framework: 'huggingface-pytorch', version: '4.49.0-pytorch2.6.0', processor: 'cpu' }, 'us-isob-east-1'))
      .toBe('094389454867.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/huggingface-pytorch-inference:2.6.0-transformers4.49.0-cpu-py312-ubuntu22.04');
  });
});

describe('ecrDomainSuffix', () => {
  test.each([
    ['us-east-1', 'amazonaws.com'],
    ['us-gov-west-1', 'amazonaws.com'],
    ['cn-north-1', 'amazonaws.com.cn'],
    ['cn-northwest-1', 'amazonaws.com.cn'],
    ['us-iso-east-1', 'c2s.ic.gov'],
    ['us-isob-east-1', 'sc2s.sgov.gov'],
    ['us-isof-south-1', 'csp.hci.ic.gov'],
    ['eu-isoe-west-1', 'cloud.adc-e.uk'],
  ])('%s → %s', (region, suffix) => {
    expect(ecrDomainSuffix(region)).toBe(suffix);
  });
});

describe('errors', () => {
  test('an unknown framework names it and lists the known ids', () => {
    expect(() => lookupFrameworkImage({ framework: 'caffe', version: '1.0', processor: 'cpu' }))
      .toThrow(/Unknown framework "caffe": known frameworks are xgboost, sklearn, pytorch, tensorflow, huggingface-pytorch/);
    expect(() => knownFrameworkVersions('XGBoost')).toThrow(/Unknown framework "XGBoost"/);
    expect(() => frameworkImageUri({ framework: 'mxnet', version: '1.9', processor: 'cpu' }, 'us-east-1')).toThrow(/Unknown framework "mxnet"/);
  });

  test('an unknown version names the framework and lists the known versions', () => {
    expect(() => lookupFrameworkImage({ framework: 'xgboost', version: '9.9', processor: 'cpu' }))
      .toThrow(/^Unknown XGBoost version "9\.9": known versions are 1\.5-1, 1\.7-1, 3\.0-5, 3\.2-0$/);
    expect(() => lookupFrameworkImage({ framework: 'sklearn', version: '1.4-2', processor: 'cpu' }))
      .toThrow(/Unknown scikit-learn version "1\.4-2": known versions are 1\.2-1, 1\.4-2-py312, 1\.9-0/);
    expect(() => lookupFrameworkImage({ framework: 'pytorch', version: '1.13', processor: 'cpu' }))
      .toThrow(/Unknown PyTorch version "1\.13": known versions are 2\.3\.0, 2\.4\.0, 2\.5\.1, 2\.6\.0 \(or short forms such as 2\.3, 2\.4, 2\.5, 2\.6\)/);
    expect(() => lookupFrameworkImage({ framework: 'tensorflow', version: '2.17', processor: 'cpu' }))
      .toThrow(/Unknown TensorFlow version "2\.17": known versions are 2\.16\.1, 2\.18\.0, 2\.19\.0/);
    expect(() => lookupFrameworkImage({ framework: 'huggingface-pytorch', version: '4.49.0', processor: 'cpu' }))
      .toThrow(/Unknown Hugging Face \(PyTorch\) version "4\.49\.0": known versions are .*4\.49\.0-pytorch2\.6\.0/);
  });

  test('a processor the version does not publish names the version and what it does publish', () => {
    expect(() => lookupFrameworkImage({ framework: 'sklearn', version: '1.2-1', processor: 'gpu' }))
      .toThrow(/^scikit-learn 1\.2-1 has no gpu image: SageMaker publishes it for cpu only$/);
    expect(() => frameworkImageUri({ framework: 'sklearn', version: '1.9-0', processor: 'gpu' }, 'us-east-1'))
      .toThrow(/scikit-learn 1\.9-0 has no gpu image/);
  });

  test('an unknown processor names it and the expected values', () => {
    expect(() => lookupFrameworkImage({ framework: 'pytorch', version: '2.6', processor: 'inf2' }))
      .toThrow(/^Unknown processor "inf2" for PyTorch 2\.6\.0: expected one of cpu, gpu$/);
    expect(() => lookupFrameworkImage({ framework: 'xgboost', version: '1.7-1', processor: 'GPU' }))
      .toThrow(/Unknown processor "GPU" for XGBoost 1\.7-1/);
  });

  test('an unknown region names the image and the region, and lists the known regions', () => {
    expect(() => frameworkImageUri({ framework: 'xgboost', version: '1.7-1', processor: 'cpu' }, 'xx-nowhere-1'))
      .toThrow(/^XGBoost 1\.7-1 images are not published in region "xx-nowhere-1"; known regions: af-south-1, ap-east-1, .*us-east-1, .*us-west-2$/);
    expect(() => frameworkImageUri({ framework: 'pytorch', version: '2.6', processor: 'gpu' }, 'xx-nowhere-1'))
      .toThrow(/^PyTorch 2\.6\.0 images are not published in region "xx-nowhere-1"; known regions: .*mx-central-1/);
  });

  test('an image SageMaker does not list in a real region is refused there', () => {
    // The Hugging Face images are not listed in the newest DLC regions.
    expect(() => frameworkImageUri({ framework: 'huggingface-pytorch', version: '5.5.3-pytorch2.6.0', processor: 'gpu' }, 'ap-southeast-7'))
      .toThrow(/Hugging Face \(PyTorch\) 5\.5\.3-pytorch2\.6\.0 images are not published in region "ap-southeast-7"/);
    // PyTorch inference images are not listed in the ISO regions.
    expect(() => frameworkImageUri({ framework: 'pytorch', version: '2.6', processor: 'cpu' }, 'us-iso-east-1'))
      .toThrow(/PyTorch 2\.6\.0 images are not published in region "us-iso-east-1"/);
    // PyTorch 2.6.0 is listed in me-west-1, the older versions are not.
    expect(frameworkImageUri({ framework: 'pytorch', version: '2.6', processor: 'cpu' }, 'me-west-1')).toMatch(/^124382933778\.dkr\.ecr\.me-west-1\./);
    expect(() => frameworkImageUri({ framework: 'pytorch', version: '2.5', processor: 'cpu' }, 'me-west-1'))
      .toThrow(/PyTorch 2\.5\.1 images are not published in region "me-west-1"/);
  });
});

describe('catalog data', () => {
  test('knows the five frameworks', () => {
    expect(knownFrameworks()).toEqual(ALL_FRAMEWORKS);
  });

  test('knownFrameworkVersions lists each framework oldest first', () => {
    expect(knownFrameworkVersions('xgboost')).toEqual(['1.5-1', '1.7-1', '3.0-5', '3.2-0']);
    expect(knownFrameworkVersions('sklearn')).toEqual(['1.2-1', '1.4-2-py312', '1.9-0']);
    expect(knownFrameworkVersions('pytorch')).toEqual(['2.3.0', '2.4.0', '2.5.1', '2.6.0']);
    expect(knownFrameworkVersions('tensorflow')).toEqual(['2.16.1', '2.18.0', '2.19.0', '2.20.0']);
    expect(knownFrameworkVersions('huggingface-pytorch'))
      .toEqual(['4.48.0-pytorch2.3.0', '4.49.0-pytorch2.6.0', '4.51.3-pytorch2.6.0', '5.5.3-pytorch2.6.0']);
  });

  test('every image has a well-formed repository and tag, and 12-digit accounts in well-formed regions', () => {
    for (const [framework, version] of everyVersion()) {
      const cpu = lookupFrameworkImage({ framework, version, processor: 'cpu' });
      expect(cpu.tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/);
      expect(cpu.repository).toMatch(/^[a-z0-9-]+$/);
      expect(Object.keys(cpu.accounts).length).toBeGreaterThan(20);
      for (const [region, account] of Object.entries(cpu.accounts)) {
        expect(region).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
        expect(account).toMatch(/^\d{12}$/);
      }
    }
  });

  test('DLC tags name their processor, and only Hugging Face gpu tags a CUDA version', () => {
    for (const framework of ['pytorch', 'tensorflow', 'huggingface-pytorch']) {
      for (const version of knownFrameworkVersions(framework)) {
        const gpu = lookupFrameworkImage({ framework, version, processor: 'gpu' }).tag;
        const cpu = lookupFrameworkImage({ framework, version, processor: 'cpu' }).tag;
        expect(gpu).toMatch(/-gpu(-py3\d+)?(-|$)/);
        expect(cpu).toMatch(/-cpu(-py3\d+)?(-|$)/);
        expect(cpu).not.toMatch(/-cu\d+/);
        if (framework === 'huggingface-pytorch') {
          expect(gpu).toMatch(/-gpu-py3\d+-cu1\d\d-/);
        } else {
          expect(gpu).not.toMatch(/-cu\d+/);
        }
      }
    }
  });

  test('each DLC tag starts with the framework version it is listed under', () => {
    for (const framework of ['pytorch', 'tensorflow']) {
      for (const version of knownFrameworkVersions(framework)) {
        expect(lookupFrameworkImage({ framework, version, processor: 'gpu' }).tag).toMatch(new RegExp(`^${version.replace(/\./g, '\\.')}-gpu(-|$)`));
      }
    }
    for (const version of knownFrameworkVersions('huggingface-pytorch')) {
      const [transformers, pytorch] = version.split('-pytorch');
      expect(lookupFrameworkImage({ framework: 'huggingface-pytorch', version, processor: 'cpu' }).tag)
        .toMatch(new RegExp(`^${pytorch.replace(/\./g, '\\.')}-transformers${transformers.replace(/\./g, '\\.')}-cpu-`));
    }
  });

  test('XGBoost and scikit-learn share the algorithm registries, region for region', () => {
    const reference = lookupFrameworkImage({ framework: 'xgboost', version: '1.7-1', processor: 'cpu' }).accounts;
    expect(Object.keys(reference)).toHaveLength(37);
    expect(reference['us-east-1']).toBe('683313688378');
    for (const framework of ['xgboost', 'sklearn']) {
      for (const version of knownFrameworkVersions(framework)) {
        expect(lookupFrameworkImage({ framework, version, processor: 'cpu' }).accounts).toEqual(reference);
      }
    }
  });

  test('PyTorch and TensorFlow share the DLC registries: one account per region, wherever a version is listed', () => {
    const reference = lookupFrameworkImage({ framework: 'pytorch', version: '2.6', processor: 'cpu' }).accounts;
    expect(Object.keys(reference)).toHaveLength(39);
    for (const framework of ['pytorch', 'tensorflow']) {
      for (const version of knownFrameworkVersions(framework)) {
        const accounts = lookupFrameworkImage({ framework, version, processor: 'gpu' }).accounts;
        expect(Object.keys(accounts).length).toBeGreaterThanOrEqual(38);
        for (const [region, account] of Object.entries(accounts)) {
          expect(reference[region]).toBe(account);
        }
      }
    }
    // 763104351884 everywhere except the opt-in regions, China and GovCloud.
    const exceptions = Object.entries(reference).filter(([, account]) => account !== '763104351884').map(([region]) => region);
    expect(exceptions.sort()).toEqual([
      'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-3', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4',
      'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'cn-north-1', 'cn-northwest-1', 'eu-central-2',
      'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'me-west-1', 'mx-central-1', 'us-gov-east-1', 'us-gov-west-1',
    ]);
  });

  test('Hugging Face images use the DLC accounts wherever both are listed', () => {
    const dlc = lookupFrameworkImage({ framework: 'pytorch', version: '2.6', processor: 'cpu' }).accounts;
    const versions = knownFrameworkVersions('huggingface-pytorch');
    const reference = lookupFrameworkImage({ framework: 'huggingface-pytorch', version: versions[0], processor: 'cpu' }).accounts;
    for (const version of versions) {
      expect(lookupFrameworkImage({ framework: 'huggingface-pytorch', version, processor: 'gpu' }).accounts).toEqual(reference);
    }
    for (const [region, account] of Object.entries(reference)) {
      if (dlc[region] !== undefined) {
        expect(account).toBe(dlc[region]);
      }
    }
    expect(Object.keys(reference).filter(r => dlc[r] === undefined).sort()).toEqual(['us-iso-east-1', 'us-isob-east-1']);
    expect(Object.keys(dlc).filter(r => reference[r] === undefined).sort())
      .toEqual(['ap-east-2', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'me-west-1', 'mx-central-1']);
  });

  test('every framework covers the main commercial regions and China', () => {
    const required = [
      'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
      'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1',
      'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
      'ap-east-1', 'af-south-1', 'il-central-1', 'cn-north-1', 'cn-northwest-1',
    ];
    for (const [framework, version] of everyVersion()) {
      expect(regionsOf(framework, version)).toEqual(expect.arrayContaining(required));
    }
  });

  test('each version\'s major.minor short form selects that same version', () => {
    const short = (v: string) => v.split('.').slice(0, 2).join('.');
    for (const framework of ['pytorch', 'tensorflow']) {
      for (const version of knownFrameworkVersions(framework)) {
        expect(lookupFrameworkImage({ framework, version: short(version), processor: 'gpu' }))
          .toEqual(lookupFrameworkImage({ framework, version, processor: 'gpu' }));
      }
    }
    for (const version of knownFrameworkVersions('huggingface-pytorch')) {
      const [transformers, pytorch] = version.split('-pytorch');
      for (const alias of [`${short(transformers)}-pytorch${short(pytorch)}`, `${transformers}-pytorch${short(pytorch)}`, `${short(transformers)}-pytorch${pytorch}`]) {
        expect(lookupFrameworkImage({ framework: 'huggingface-pytorch', version: alias, processor: 'cpu' }))
          .toEqual(lookupFrameworkImage({ framework: 'huggingface-pytorch', version, processor: 'cpu' }));
      }
    }
  });

  test('no two versions of a framework share an image tag', () => {
    for (const framework of knownFrameworks()) {
      const tags = knownFrameworkVersions(framework).map(version => lookupFrameworkImage({ framework, version, processor: 'cpu' }).tag);
      expect(new Set(tags).size).toBe(tags.length);
    }
  });

  test('callers cannot change the catalog through a returned image', () => {
    const image = lookupFrameworkImage({ framework: 'xgboost', version: '1.7-1', processor: 'cpu' });
    image.accounts['us-east-1'] = '000000000000';
    expect(frameworkImageUri({ framework: 'xgboost', version: '1.7-1', processor: 'cpu' }, 'us-east-1')).toMatch(/^683313688378\./);
  });
});
