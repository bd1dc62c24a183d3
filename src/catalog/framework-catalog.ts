/*
 * Catalog of the inference images SageMaker publishes for its built-in
 * frameworks, and where (which registry account, in which region) each lives.
 *
 * Every figure below is hand-curated. Checked on 2026-11-25 against:
 *  - aws/sagemaker-python-sdk, sagemaker-core/src/sagemaker/core/image_uri_config/
 *    xgboost.json, sklearn.json, pytorch.json, tensorflow.json, huggingface.json
 *    (master as of 2026-08-21), the tables behind `sagemaker.image_uris.retrieve`:
 *    registry account per region, repository and versions. The ECR domain suffixes
 *    of the non-commercial partitions come from the same SDK.
 *  - aws/deep-learning-containers (master as of 2026-08-21): the published image list
 *    (docs/src/data, formerly available_images.md), docs/reference/region_availability.md
 *    and the SageMaker buildspecs, for the exact DLC tags (Python, CUDA and OS parts)
 *    and the GA / end-of-patching dates quoted in the comments.
 *
 * An image SageMaker stops patching stays pullable, so past-support versions
 * stay in the catalog; the comments give their end-of-patch date.
 *
 * To add a version: copy the tags from the DLC image list, take the region set from
 * the SDK's image_uri_config for that version, and run the catalog tests.
 */

/** What to look up: a framework, one of its versions, and the processor to run on. */
export interface FrameworkImageQuery {
  /**
   * The framework id: `xgboost`, `sklearn`, `pytorch`, `tensorflow` or `huggingface-pytorch`.
   */
  readonly framework: string;
  /**
   * The framework version as SageMaker publishes it, e.g. `1.7-1` for XGBoost,
   * `2.6` or `2.6.0` for PyTorch, `4.49.0-pytorch2.6.0` for Hugging Face.
   */
  readonly version: string;
  /** `cpu` or `gpu`. */
  readonly processor: string;
}

/** A published SageMaker inference image, with the registry account that serves it in each region. */
export interface FrameworkImage {
  /** The ECR repository name, e.g. `sagemaker-xgboost`. */
  readonly repository: string;
  /** The image tag, e.g. `1.7-1`. */
  readonly tag: string;
  /**
   * Every region the image is published in, mapped to the account that owns the
   * registry there. The URI is `${account}.dkr.ecr.${region}.${ecrDomainSuffix(region)}/${repository}:${tag}`.
   */
  readonly accounts: { [region: string]: string };
}

// ---------------------------------------------------------------------------
// Registry accounts
// ---------------------------------------------------------------------------

/**
 * SageMaker's first-party algorithm registries, which hold XGBoost and
 * scikit-learn (one account per region).
 */
const ALGORITHM_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '510948584623',
  'ap-east-1': '651117190479',
  'ap-northeast-1': '354813040037',
  'ap-northeast-2': '366743142698',
  'ap-northeast-3': '867004704886',
  'ap-south-1': '720646828776',
  'ap-south-2': '628508329040',
  'ap-southeast-1': '121021644041',
  'ap-southeast-2': '783357654285',
  'ap-southeast-3': '951798379941',
  'ap-southeast-4': '106583098589',
  'ca-central-1': '341280168497',
  'ca-west-1': '190319476487',
  'cn-north-1': '450853457545',
  'cn-northwest-1': '451049120500',
  'eu-central-1': '492215442770',
  'eu-central-2': '680994064768',
  'eu-north-1': '662702820516',
  'eu-south-1': '978288397137',
  'eu-south-2': '104374241257',
  'eu-west-1': '141502667606',
  'eu-west-2': '764974769150',
  'eu-west-3': '659782779980',
  'il-central-1': '898809789911',
  'me-central-1': '272398656194',
  'me-south-1': '801668240914',
  'sa-east-1': '737474898029',
  'us-east-1': '683313688378',
  'us-east-2': '257758044811',
  'us-gov-east-1': '237065988967',
  'us-gov-west-1': '414596584902',
  'us-iso-east-1': '833128469047',
  'us-isob-east-1': '281123927165',
  'us-isof-east-1': '108575199400',
  'us-isof-south-1': '124985052026',
  'us-west-1': '746614075791',
  'us-west-2': '246618743249',
};

/**
 * The regions the Deep Learning Containers' region table documents for the
 * algorithm registries: the commercial regions and China, without the two
 * Middle East regions. Used for a version the SDK's tables do not list yet.
 */
const DOCUMENTED_ALGORITHM_REGIONS: readonly string[] = [
  'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3',
  'ap-southeast-4', 'ca-central-1', 'ca-west-1', 'cn-north-1', 'cn-northwest-1',
  'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

/**
 * The AWS Deep Learning Containers registries, which hold the PyTorch and
 * TensorFlow inference images: 763104351884 in the older regions, an account
 * of its own in each opt-in region, China and GovCloud.
 */
const DLC_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-east-2': '975050140332',
  'ap-northeast-1': '763104351884',
  'ap-northeast-2': '763104351884',
  'ap-northeast-3': '364406365360',
  'ap-south-1': '763104351884',
  'ap-south-2': '772153158452',
  'ap-southeast-1': '763104351884',
  'ap-southeast-2': '763104351884',
  'ap-southeast-3': '907027046896',
  'ap-southeast-4': '457447274322',
  'ap-southeast-5': '550225433462',
  'ap-southeast-6': '633930458069',
  'ap-southeast-7': '590183813437',
  'ca-central-1': '763104351884',
  'ca-west-1': '204538143572',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
  'eu-central-1': '763104351884',
  'eu-central-2': '380420809688',
  'eu-north-1': '763104351884',
  'eu-south-1': '692866216735',
  'eu-south-2': '503227376785',
  'eu-west-1': '763104351884',
  'eu-west-2': '763104351884',
  'eu-west-3': '763104351884',
  'il-central-1': '780543022126',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'mx-central-1': '637423239942',
  'sa-east-1': '763104351884',
  'us-east-1': '763104351884',
  'us-east-2': '763104351884',
  'us-gov-east-1': '446045086412',
  'us-gov-west-1': '442386744353',
  'us-west-1': '763104351884',
  'us-west-2': '763104351884',
};

/**
 * The same Deep Learning Containers registries, as SageMaker lists them for the
 * Hugging Face PyTorch inference images: not (yet) in ap-east-2, ap-southeast-5/6/7
 * or mx-central-1, but also in the US ISO and ISOB regions.
 */
const HUGGING_FACE_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-northeast-1': '763104351884',
  'ap-northeast-2': '763104351884',
  'ap-northeast-3': '364406365360',
  'ap-south-1': '763104351884',
  'ap-south-2': '772153158452',
  'ap-southeast-1': '763104351884',
  'ap-southeast-2': '763104351884',
  'ap-southeast-3': '907027046896',
  'ap-southeast-4': '457447274322',
  'ca-central-1': '763104351884',
  'ca-west-1': '204538143572',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
  'eu-central-1': '763104351884',
  'eu-central-2': '380420809688',
  'eu-north-1': '763104351884',
  'eu-south-1': '692866216735',
  'eu-south-2': '503227376785',
  'eu-west-1': '763104351884',
  'eu-west-2': '763104351884',
  'eu-west-3': '763104351884',
  'il-central-1': '780543022126',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'sa-east-1': '763104351884',
  'us-east-1': '763104351884',
  'us-east-2': '763104351884',
  'us-gov-east-1': '446045086412',
  'us-gov-west-1': '442386744353',
  'us-iso-east-1': '886529160074',
  'us-isob-east-1': '094389454867',
  'us-west-1': '763104351884',
  'us-west-2': '763104351884',
};

// ---------------------------------------------------------------------------
// Versions, one table per framework
// ---------------------------------------------------------------------------

/** One published version of a framework's inference image. */
interface CatalogVersion {
  /** The version as the catalog names it (and lists it in errors). */
  readonly version: string;
  /** Other spellings that select this version, e.g. `2.6` for `2.6.0`. */
  readonly aliases?: readonly string[];
  /** The image tag per processor; a processor without a tag is not published. */
  readonly tags: { readonly cpu?: string; readonly gpu?: string };
  /** When set, the version is published only in these regions of the framework's account table. */
  readonly regions?: readonly string[];
}

/** A framework: its id, its name in messages, where its images live, and its versions. */
interface CatalogFramework {
  readonly id: string;
  readonly displayName: string;
  readonly repository: string;
  readonly accounts: Readonly<Record<string, string>>;
  readonly versions: readonly CatalogVersion[];
}

/**
 * XGBoost, SageMaker's first-party container. Versions are `<xgboost major.minor>-<build>`,
 * e.g. `1.7-1`. The tag is the version itself, and the same image serves CPU and GPU
 * instances (GPU support since 1.2-1).
 */
const XGBOOST: CatalogFramework = {
  id: 'xgboost',
  displayName: 'XGBoost',
  repository: 'sagemaker-xgboost',
  accounts: ALGORITHM_ACCOUNTS,
  versions: [
    { version: '1.5-1', tags: { cpu: '1.5-1', gpu: '1.5-1' } },
    { version: '1.7-1', tags: { cpu: '1.7-1', gpu: '1.7-1' } },
    // GA 2025-11-17, end of patching 2026-11-17.
    { version: '3.0-5', tags: { cpu: '3.0-5', gpu: '3.0-5' } },
    // GA 2026-05-13, end of patching 2027-05-13.
    { version: '3.2-0', tags: { cpu: '3.2-0', gpu: '3.2-0' } },
  ],
};

/**
 * scikit-learn, SageMaker's first-party container, CPU only. Versions are
 * `<scikit-learn major.minor>-<build>`, e.g. `1.2-1`; `1.4-2-py312` is the Python 3.12
 * build of 1.4-2 (the Python 3.10 build of 1.4-2 is no longer supported and is left out).
 */
const SKLEARN: CatalogFramework = {
  id: 'sklearn',
  displayName: 'scikit-learn',
  repository: 'sagemaker-scikit-learn',
  accounts: ALGORITHM_ACCOUNTS,
  versions: [
    { version: '1.2-1', tags: { cpu: '1.2-1-cpu-py3' } },
    // GA 2025-10-30, end of patching 2026-10-30.
    { version: '1.4-2-py312', tags: { cpu: '1.4-2-py312-cpu-py3' } },
    // GA 2026-07-16, end of patching 2027-07-16. Not yet in the SDK's tables: limited
    // to the regions the DLC region table documents for the algorithm registries.
    { version: '1.9-0', tags: { cpu: '1.9-0-cpu-py3' }, regions: DOCUMENTED_ALGORITHM_REGIONS },
  ],
};

/**
 * PyTorch inference Deep Learning Container (TorchServe). Versions are the full PyTorch
 * version, e.g. `2.6.0`; the short `2.6` selects the same image. 2.6 is the last
 * PyTorch inference DLC with TorchServe.
 */
const PYTORCH: CatalogFramework = {
  id: 'pytorch',
  displayName: 'PyTorch',
  repository: 'pytorch-inference',
  accounts: DLC_ACCOUNTS,
  versions: [
    // End of patching 2025-04-24.
    {
      version: '2.3.0',
      aliases: ['2.3'],
      tags: { cpu: '2.3.0-cpu-py311-ubuntu20.04-sagemaker', gpu: '2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker' },
    },
    // End of patching 2025-07-24.
    {
      version: '2.4.0',
      aliases: ['2.4'],
      tags: { cpu: '2.4.0-cpu-py311-ubuntu22.04-sagemaker', gpu: '2.4.0-gpu-py311-cu124-ubuntu22.04-sagemaker' },
    },
    // End of patching 2025-10-29.
    {
      version: '2.5.1',
      aliases: ['2.5'],
      tags: { cpu: '2.5.1-cpu-py311-ubuntu22.04-sagemaker', gpu: '2.5.1-gpu-py311-cu124-ubuntu22.04-sagemaker' },
    },
    // GA 2025-01-29, end of patching extended to 2026-06-30.
    {
      version: '2.6.0',
      aliases: ['2.6'],
      tags: { cpu: '2.6.0-cpu-py312-ubuntu22.04-sagemaker', gpu: '2.6.0-gpu-py312-cu124-ubuntu22.04-sagemaker' },
    },
  ],
};

/**
 * TensorFlow Serving inference Deep Learning Container. Versions are the full
 * TensorFlow version, e.g. `2.19.0`; the short `2.19` selects the same image.
 */
const TENSORFLOW: CatalogFramework = {
  id: 'tensorflow',
  displayName: 'TensorFlow',
  repository: 'tensorflow-inference',
  accounts: DLC_ACCOUNTS,
  versions: [
    // End of patching 2025-03-07.
    {
      version: '2.16.1',
      aliases: ['2.16'],
      tags: { cpu: '2.16.1-cpu-py310-ubuntu20.04-sagemaker', gpu: '2.16.1-gpu-py310-cu122-ubuntu20.04-sagemaker' },
    },
    // End of patching 2025-10-24.
    {
      version: '2.18.0',
      aliases: ['2.18'],
      tags: { cpu: '2.18.0-cpu-py310-ubuntu20.04-sagemaker', gpu: '2.18.0-gpu-py310-cu122-ubuntu20.04-sagemaker' },
    },
    // GA 2025-03-11, end of patching 2026-03-11.
    {
      version: '2.19.0',
      aliases: ['2.19'],
      tags: { cpu: '2.19.0-cpu-py312-ubuntu22.04-sagemaker', gpu: '2.19.0-gpu-py312-cu122-ubuntu22.04-sagemaker' },
    },
  ],
};

/**
 * Hugging Face inference Deep Learning Container on PyTorch. Versions name the
 * transformers version and the PyTorch version, e.g. `4.49.0-pytorch2.6.0`; either
 * part may be shortened to major.minor (`4.49-pytorch2.6`).
 */
const HUGGING_FACE_PYTORCH: CatalogFramework = {
  id: 'huggingface-pytorch',
  displayName: 'Hugging Face (PyTorch)',
  repository: 'huggingface-pytorch-inference',
  accounts: HUGGING_FACE_ACCOUNTS,
  versions: [
    {
      version: '4.48.0-pytorch2.3.0',
      aliases: ['4.48-pytorch2.3', '4.48.0-pytorch2.3', '4.48-pytorch2.3.0'],
      tags: {
        cpu: '2.3.0-transformers4.48.0-cpu-py311-ubuntu22.04',
        gpu: '2.3.0-transformers4.48.0-gpu-py311-cu121-ubuntu22.04',
      },
    },
    {
      version: '4.49.0-pytorch2.6.0',
      aliases: ['4.49-pytorch2.6', '4.49.0-pytorch2.6', '4.49-pytorch2.6.0'],
      tags: {
        cpu: '2.6.0-transformers4.49.0-cpu-py312-ubuntu22.04',
        gpu: '2.6.0-transformers4.49.0-gpu-py312-cu124-ubuntu22.04',
      },
    },
    {
      version: '4.51.3-pytorch2.6.0',
      aliases: ['4.51-pytorch2.6', '4.51.3-pytorch2.6', '4.51-pytorch2.6.0'],
      tags: {
        cpu: '2.6.0-transformers4.51.3-cpu-py312-ubuntu22.04',
        gpu: '2.6.0-transformers4.51.3-gpu-py312-cu124-ubuntu22.04',
      },
    },
    // Transformers 5, released April/May 2026.
    {
      version: '5.5.3-pytorch2.6.0',
      aliases: ['5.5-pytorch2.6', '5.5.3-pytorch2.6', '5.5-pytorch2.6.0'],
      tags: {
        cpu: '2.6.0-transformers5.5.3-cpu-py312-ubuntu22.04',
        gpu: '2.6.0-transformers5.5.3-gpu-py312-cu124-ubuntu22.04',
      },
    },
  ],
};

const FRAMEWORKS: readonly CatalogFramework[] = [XGBOOST, SKLEARN, PYTORCH, TENSORFLOW, HUGGING_FACE_PYTORCH];

const PROCESSORS: readonly string[] = ['cpu', 'gpu'];

// ---------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------

/** The framework ids the catalog knows, e.g. `xgboost`. */
export function knownFrameworks(): string[] {
  return FRAMEWORKS.map(f => f.id);
}

/**
 * The versions the catalog knows for a framework, oldest first, in the form
 * error messages use (the full form for Deep Learning Containers, e.g. `2.6.0`).
 *
 * @throws Error if the framework id is unknown.
 */
export function knownFrameworkVersions(framework: string): string[] {
  return findFramework(framework).versions.map(v => v.version);
}

/** Instance families with GPUs, which run a framework's GPU image. */
const GPU_INSTANCE = /^ml\.(p\d|g\d)/;

/** The processor of the image an instance type runs: `gpu` for GPU instance families, else `cpu`. */
export function processorFor(instanceType: string | undefined): string {
  return instanceType !== undefined && GPU_INSTANCE.test(instanceType) ? 'gpu' : 'cpu';
}

/**
 * The DNS suffix of ECR registry hostnames in a region's partition:
 * `amazonaws.com.cn` in China, the ISO partitions' own suffixes, otherwise `amazonaws.com`.
 */
export function ecrDomainSuffix(region: string): string {
  if (region.startsWith('cn-')) {
    return 'amazonaws.com.cn';
  }
  if (region.startsWith('us-iso-')) {
    return 'c2s.ic.gov';
  }
  if (region.startsWith('us-isob-')) {
    return 'sc2s.sgov.gov';
  }
  if (region.startsWith('us-isof-')) {
    return 'csp.hci.ic.gov';
  }
  if (region.startsWith('eu-isoe-')) {
    return 'cloud.adc-e.uk';
  }
  return 'amazonaws.com';
}

/**
 * The published image for a framework version and processor, with the registry
 * account of every region it is published in.
 *
 * @throws Error naming the framework and listing what is known when the framework,
 * the version or the processor is not in the catalog.
 */
export function lookupFrameworkImage(query: FrameworkImageQuery): FrameworkImage {
  const framework = findFramework(query.framework);
  const entry = findVersion(framework, query.version);
  const label = `${framework.displayName} ${entry.version}`;

  if (!PROCESSORS.includes(query.processor)) {
    throw new Error(`Unknown processor "${query.processor}" for ${label}: expected one of ${PROCESSORS.join(', ')}`);
  }
  const tag = query.processor === 'gpu' ? entry.tags.gpu : entry.tags.cpu;
  if (tag === undefined) {
    const published = PROCESSORS.filter(p => (p === 'gpu' ? entry.tags.gpu : entry.tags.cpu) !== undefined);
    throw new Error(`${label} has no ${query.processor} image: SageMaker publishes it for ${published.join(', ')} only`);
  }

  const regions = entry.regions ?? Object.keys(framework.accounts);
  const accounts: { [region: string]: string } = {};
  for (const region of [...regions].sort()) {
    accounts[region] = framework.accounts[region];
  }
  return { repository: framework.repository, tag, accounts };
}

/**
 * The full URI of a published image in one region, e.g.
 * `683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`.
 *
 * @throws Error as `lookupFrameworkImage` does, or listing the known regions when
 * the image is not published in `region`.
 */
export function frameworkImageUri(query: FrameworkImageQuery, region: string): string {
  const image = lookupFrameworkImage(query);
  const account = image.accounts[region];
  if (account === undefined) {
    const framework = findFramework(query.framework);
    const version = findVersion(framework, query.version).version;
    throw new Error(
      `${framework.displayName} ${version} images are not published in region "${region}"; `
      + `known regions: ${Object.keys(image.accounts).join(', ')}`,
    );
  }
  return `${account}.dkr.ecr.${region}.${ecrDomainSuffix(region)}/${image.repository}:${image.tag}`;
}

function findFramework(id: string): CatalogFramework {
  const framework = FRAMEWORKS.find(f => f.id === id);
  if (!framework) {
    throw new Error(`Unknown framework "${id}": known frameworks are ${knownFrameworks().join(', ')}`);
  }
  return framework;
}

function findVersion(framework: CatalogFramework, version: string): CatalogVersion {
  const entry = framework.versions.find(v => v.version === version || (v.aliases ?? []).includes(version));
  if (!entry) {
    const known = framework.versions.map(v => v.version).join(', ');
    const shortForms = framework.versions.flatMap(v => (v.aliases ? [v.aliases[0]] : []));
    const alsoAccepted = shortForms.length > 0 ? ` (or short forms such as ${shortForms.join(', ')})` : '';
    throw new Error(`Unknown ${framework.displayName} version "${version}": known versions are ${known}${alsoAccepted}`);
  }
  return entry;
}
