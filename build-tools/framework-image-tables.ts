/**
 * Reads the SageMaker Python SDK's image URI tables (`image_uri_config/*.json`
 * in the pinned wheel, see test/harness/sagemaker-tables.txt) and writes them
 * as the TypeScript data module src/catalog/framework-images.generated.ts.
 * The tags are composed the way the SDK's `image_uris.retrieve` composes them
 * for an inference image: `<version or tag prefix>-<processor>-<python>-<container version>`,
 * leaving out what a version's table does not list.
 */
import { createHash } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { unzipSync } from 'fflate';
import type { PublishedFramework, PublishedImage, PublishedVersion, RegistryAccounts } from '../src/catalog/published-images';

/** The generated module, relative to the project root. */
export const FRAMEWORK_IMAGES_FILE = 'src/catalog/framework-images.generated.ts';

const PROJECT_ROOT = join(__dirname, '..');
const PIN_FILE = 'test/harness/sagemaker-tables.txt';
const WHEEL_CACHE = '.cache/sagemaker-sdk';

/**
 * The frameworks the catalog offers: which SDK table each reads, and the
 * oldest version it takes (every version the table lists from there on).
 * Hugging Face images are taken on their PyTorch base only.
 */
const SELECTION: ReadonlyArray<{ readonly id: string; readonly table: string; readonly since: string; readonly base?: string }> = [
  { id: 'xgboost', table: 'xgboost', since: '1.5-1' },
  { id: 'sklearn', table: 'sklearn', since: '1.2-1' },
  { id: 'pytorch', table: 'pytorch', since: '2.3.0' },
  { id: 'tensorflow', table: 'tensorflow', since: '2.16.1' },
  { id: 'huggingface-pytorch', table: 'huggingface', since: '4.48.0', base: 'pytorch' },
];
const MODEL_MONITOR_TABLE = 'model-monitor';
const PROCESSORS = ['cpu', 'gpu'] as const;

/** One version's entry in an SDK table. */
interface SdkVersion {
  readonly registries: Record<string, string>;
  readonly repository: string;
  readonly processors?: string[];
  readonly py_versions?: string[];
  readonly container_version?: Record<string, string>;
  readonly tag_prefix?: string;
  readonly processor_in_tag?: boolean;
  /** Hugging Face: the base framework's short forms, e.g. `pytorch2.6` -> `pytorch2.6.0`. */
  readonly version_aliases?: Record<string, string>;
}

/** An image scope of an SDK table (`inference` here). */
interface SdkScope {
  readonly processors?: string[];
  readonly version_aliases?: Record<string, string>;
  readonly versions: Record<string, unknown>;
}

/** The pinned SDK package: name, version and the wheel's sha256. */
export interface SdkPin {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
}

/** The pin in test/harness/sagemaker-tables.txt. */
export function sdkPin(): SdkPin {
  const line = readFileSync(join(PROJECT_ROOT, PIN_FILE), 'utf8').split('\n').find((l) => /^[a-zA-Z]/.test(l));
  const match = line?.match(/^([a-zA-Z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})\s*$/);
  if (!match) {
    throw new Error(`${PIN_FILE} must hold one "<package>==<version> --hash=sha256:<hash>" line`);
  }
  return { name: match[1], version: match[2], sha256: match[3] };
}

/** The SDK's tables in the pinned wheel, by file name (`xgboost`, ...), with the path they were read from. */
export function readSdkTables(pin: SdkPin = sdkPin()): { readonly directory: string; readonly tables: ReadonlyMap<string, unknown> } {
  const wheel = join(PROJECT_ROOT, WHEEL_CACHE, `${pin.name.replace(/-/g, '_')}-${pin.version}-py3-none-any.whl`);
  if (!existsSync(wheel)) {
    throw new Error(`${wheel} is missing: run "npx projen python-tools", which downloads the wheel ${PIN_FILE} pins`);
  }
  const bytes = readFileSync(wheel);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== pin.sha256) {
    throw new Error(`${wheel} has sha256 ${digest}, not the ${pin.sha256} ${PIN_FILE} pins: delete it and run "npx projen python-tools"`);
  }
  const wanted = [...SELECTION.map((s) => s.table), MODEL_MONITOR_TABLE];
  const files = unzipSync(bytes, { filter: (file) => wanted.some((table) => file.name.endsWith(`/image_uri_config/${table}.json`)) });
  const tables = new Map<string, unknown>();
  let directory = '';
  for (const table of wanted) {
    const names = Object.keys(files).filter((name) => name.endsWith(`/image_uri_config/${table}.json`));
    if (names.length !== 1) {
      throw new Error(`${pin.name} ${pin.version} has ${names.length} image_uri_config/${table}.json files, not one`);
    }
    directory = names[0].slice(0, -`${table}.json`.length);
    tables.set(table, JSON.parse(Buffer.from(files[names[0]]).toString('utf8')));
  }
  return { directory, tables };
}

/** What the catalog takes from the SDK's tables. */
export interface PublishedImages {
  readonly frameworks: PublishedFramework[];
  readonly modelMonitor: PublishedImage;
}

/** The frameworks and the Model Monitor image, from the SDK's tables. */
export function publishedImages(tables: ReadonlyMap<string, unknown>): PublishedImages {
  const frameworks = SELECTION.map((selection) => {
    const scope = inferenceScope(tables, selection.table);
    const included = Object.keys(scope.versions).filter((v) => compareVersions(v, selection.since) >= 0).sort(compareVersions);
    if (!included.includes(selection.since)) {
      throw new Error(`the SDK's ${selection.table} table no longer lists ${selection.since}, the oldest version the catalog offers`);
    }
    const training = trainingScope(tables, selection.table);
    const flat = (version: string) => publishedVersion(selection.table, scope, version, versionConfig(selection.table, scope, version));
    const versions = selection.base === undefined
      ? included.map((version) => withTraining(flat(version), selection.table, training))
      : included.flatMap((version) => baseVersions(selection.table, scope, version, selection.base!));
    return { id: selection.id, versions };
  });
  const monitor = tables.get(MODEL_MONITOR_TABLE) as { versions?: Record<string, SdkVersion> } | undefined;
  const analyzer = monitor?.versions?.[''];
  if (!analyzer?.registries || !analyzer.repository) {
    throw new Error(`the SDK's ${MODEL_MONITOR_TABLE} table has no untagged image with registries`);
  }
  return { frameworks, modelMonitor: { repository: analyzer.repository, accounts: sortedAccounts(analyzer.registries) } };
}

/** The TypeScript module written to {@link FRAMEWORK_IMAGES_FILE}. */
export function frameworkImagesText(pin: SdkPin = sdkPin()): string {
  const { directory, tables } = readSdkTables(pin);
  const { frameworks, modelMonitor } = publishedImages(tables);
  const accountTables = new AccountTables();
  const frameworkLines = frameworks.map((framework) => [
    '  {',
    `    id: ${quote(framework.id)},`,
    '    versions: [',
    ...framework.versions.flatMap((v) => [
      '      {',
      `        version: ${quote(v.version)},`,
      `        aliases: [${v.aliases.map(quote).join(', ')}],`,
      `        repository: ${quote(v.repository)},`,
      `        tags: { ${PROCESSORS.filter((p) => v.tags[p] !== undefined).map((p) => `${p}: ${quote(v.tags[p]!)}`).join(', ')} },`,
      `        accounts: ${accountTables.name(v.accounts, `${framework.id} ${v.version}`)},`,
      ...(v.trains ? ['        trains: true,'] : []),
      '      },',
    ]),
    '    ],',
    '  },',
  ].join('\n'));
  const monitorAccounts = accountTables.name(modelMonitor.accounts, 'the Model Monitor analyzer');
  return [
    '// Generated by build-tools/write-framework-catalog.ts from the SageMaker Python SDK\'s image URI tables:',
    `// ${directory}*.json in ${pin.name} ${pin.version} (PyPI, the wheel pinned in ${PIN_FILE}).`,
    '// Do not edit: change the pin, then run `npx projen python-tools && npx projen framework-catalog`.',
    'import type { PublishedFramework, PublishedImage, RegistryAccounts } from \'./published-images\';',
    '',
    '/** The SDK release the tables come from. */',
    `export const SAGEMAKER_SDK_TABLES = ${quote(`${pin.name} ${pin.version}`)};`,
    '',
    ...accountTables.declarations(),
    '/** The built-in frameworks\' inference images, oldest version first. */',
    'export const PUBLISHED_FRAMEWORKS: readonly PublishedFramework[] = [',
    ...frameworkLines,
    '];',
    '',
    '/** The Model Monitor analyzer (the SDK asks for no tag). */',
    `export const MODEL_MONITOR_IMAGE: PublishedImage = { repository: ${quote(modelMonitor.repository)}, accounts: ${monitorAccounts} };`,
    '',
  ].join('\n');
}

function inferenceScope(tables: ReadonlyMap<string, unknown>, table: string): SdkScope {
  const scope = (tables.get(table) as { inference?: SdkScope } | undefined)?.inference;
  if (!scope?.versions) {
    throw new Error(`the SDK's ${table} table has no inference versions`);
  }
  return scope;
}

/** A table's `training` scope, if it has one. */
function trainingScope(tables: ReadonlyMap<string, unknown>, table: string): SdkScope | undefined {
  const scope = (tables.get(table) as { training?: SdkScope } | undefined)?.training;
  return scope?.versions ? scope : undefined;
}

/**
 * Marks a version whose image also trains: the table's training scope lists
 * the version with the same repository, tags and registries (the built-in
 * algorithms, XGBoost and scikit-learn, whose one container trains and
 * serves). Deep learning frameworks publish separate `-training` images.
 */
function withTraining(published: PublishedVersion, table: string, training: SdkScope | undefined): PublishedVersion {
  const config = training?.versions[published.version] as SdkVersion | undefined;
  if (!training || !config?.registries || !config.repository) {
    return published;
  }
  const trained = publishedVersion(table, training, published.version, config);
  const same = trained.repository === published.repository
    && JSON.stringify(trained.tags) === JSON.stringify(published.tags)
    && JSON.stringify(trained.accounts) === JSON.stringify(published.accounts);
  return same ? { ...published, trains: true } : published;
}

function versionConfig(table: string, scope: SdkScope, version: string): SdkVersion {
  const config = scope.versions[version] as SdkVersion | undefined;
  // Some tables nest a version's images by Python version; none the catalog offers does, and reading one as flat would be wrong.
  if (!config?.registries || !config.repository) {
    throw new Error(`the SDK's ${table} table lists ${version} in a shape the generator does not read (no registries and repository)`);
  }
  return config;
}

/** A Hugging Face version's images on each base (`pytorch2.6.0`) version of the chosen base framework. */
function baseVersions(table: string, scope: SdkScope, version: string, base: string): PublishedVersion[] {
  const byBase = scope.versions[version] as Record<string, unknown>;
  const bases = Object.keys(byBase).filter((key) => key.startsWith(base) && key !== 'version_aliases').sort(compareVersions);
  const baseAliases = Object.fromEntries(Object.entries((byBase.version_aliases ?? {}) as Record<string, string>)
    .filter(([, target]) => target.startsWith(base)).map(([alias, target]) => [alias.slice(base.length), target.slice(base.length)]));
  return bases.map((key) => {
    const baseVersion = key.slice(base.length);
    const config = versionConfig(table, { versions: byBase }, key);
    const full = `${version}-${base}${baseVersion}`;
    const ownForms = [...shortForms(version, scope.version_aliases ?? {}, Object.keys(scope.versions)), version];
    const baseForms = [...shortForms(baseVersion, baseAliases, bases.map((b) => b.slice(base.length))), baseVersion];
    const aliases = ownForms.flatMap((own) => baseForms.map((b) => `${own}-${base}${b}`)).filter((alias) => alias !== full);
    return { ...publishedVersion(table, scope, full, config, `${baseVersion}-transformers${version}`), aliases };
  });
}

function publishedVersion(table: string, scope: SdkScope, version: string, config: SdkVersion, tagPrefix?: string): PublishedVersion {
  const prefix = tagPrefix ?? config.tag_prefix ?? version;
  const python = newestPython(config.py_versions);
  const processors = scope.processors ?? config.processors;
  const tag = (processor: string | undefined) => [
    prefix,
    config.processor_in_tag === false ? undefined : processor,
    python,
    processor === undefined ? undefined : config.container_version?.[processor],
  ].filter((part) => part !== undefined && part !== '').join('-');
  // Without processors the SDK ignores the instance type: one image serves both (XGBoost).
  const tags = processors === undefined
    ? { cpu: tag(undefined), gpu: tag(undefined) }
    : Object.fromEntries(PROCESSORS.filter((p) => processors.includes(p)).map((p) => [p, tag(p)]));
  if (Object.keys(tags).length === 0) {
    throw new Error(`the SDK's ${table} table publishes ${version} for neither cpu nor gpu`);
  }
  return {
    version,
    aliases: shortForms(version, scope.version_aliases ?? {}, Object.keys(scope.versions)),
    repository: config.repository,
    tags,
    accounts: sortedAccounts(config.registries),
  };
}

/**
 * The other spellings of `version`: the SDK's own aliases of it, and for an
 * `x.y.z` version its `x.y` when the SDK names no version for that and no
 * other listed version shares it (the Hugging Face table lacks some).
 */
function shortForms(version: string, sdkAliases: Record<string, string>, listed: readonly string[]): string[] {
  const forms = Object.entries(sdkAliases).filter(([alias, target]) => target === version && alias !== 'latest').map(([alias]) => alias);
  const majorMinor = version.match(/^(\d+\.\d+)\.\d+$/)?.[1];
  if (majorMinor !== undefined && !(majorMinor in sdkAliases) && listed.filter((v) => v.startsWith(`${majorMinor}.`)).length === 1) {
    forms.push(majorMinor);
  }
  return [...new Set(forms)].sort(compareVersions);
}

/**
 * The SDK asks for a Python version when a version lists several; the catalog
 * has no such parameter and takes the newest (`py312` over `py311`).
 */
function newestPython(pyVersions: readonly string[] | undefined): string | undefined {
  return pyVersions === undefined || pyVersions.length === 0 ? undefined : [...pyVersions].sort(compareVersions).at(-1);
}

/** Compares versions by their numbers in order (`1.10` after `1.9`, `2.3` before `2.3.0`). */
function compareVersions(a: string, b: string): number {
  const numbers = (v: string) => (v.match(/\d+/g) ?? []).map(Number);
  const [x, y] = [numbers(a), numbers(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) {
      return x[i] - y[i];
    }
  }
  return x.length - y.length || a.localeCompare(b);
}

function sortedAccounts(registries: Record<string, string>): RegistryAccounts {
  return Object.fromEntries(Object.keys(registries).sort().map((region) => [region, registries[region]]));
}

/** Words in lines of at most 100 characters. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    if (lines.length > 0 && lines[lines.length - 1].length + word.length < 100) {
      lines[lines.length - 1] += ` ${word}`;
    } else {
      lines.push(word);
    }
  }
  return lines;
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;
}

/** Each distinct account table once, named by order of first use, with the images that use it. */
class AccountTables {
  private readonly tables: Array<{ readonly key: string; readonly accounts: RegistryAccounts; readonly users: string[] }> = [];

  public name(accounts: RegistryAccounts, user: string): string {
    const key = JSON.stringify(accounts);
    let table = this.tables.find((t) => t.key === key);
    if (!table) {
      table = { key, accounts, users: [] };
      this.tables.push(table);
    }
    table.users.push(user);
    return `ACCOUNTS_${this.tables.indexOf(table) + 1}`;
  }

  public declarations(): string[] {
    return this.tables.flatMap((table, index) => [
      '/**',
      ...wrap(`${Object.keys(table.accounts).length} regions: ${table.users.join(', ')}.`).map((line) => ` * ${line}`),
      ' */',
      `const ACCOUNTS_${index + 1}: RegistryAccounts = {`,
      ...Object.entries(table.accounts).map(([region, account]) => `  ${quote(region)}: ${quote(account)},`),
      '};',
      '',
    ]);
  }
}
