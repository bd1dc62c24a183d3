/**
 * Turns the template synthesized from a blueprint stack into the blueprint
 * template the package ships. Plain TypeScript over template JSON:
 *
 * 1. Every endpoint slot was synthesized with each optional part present;
 *    the parts a request may leave out become conditional: the approval and
 *    test stages, the test action's scaling parameters, the deploy spec's
 *    data capture, and drift detection (the deploy spec's monitoring member,
 *    the Monitor stage, the monitoring role, the alarms, and every policy
 *    statement and clean-up property about the slot's monitoring). The
 *    deploy spec's variant members (instances or serverless, scaling,
 *    traffic shifting) come from a parameter, and so do the monitoring
 *    member's dataset format and frequency. A batch slot's deploy spec takes
 *    its instances and its `batch` member from parameters.
 * 2. Every stand-in name, and every name derived from one, becomes a
 *    reference to the parameter that holds the real name; a literal string
 *    still holding a stand-in fails the build.
 * 3. CDK's construct metadata is dropped.
 */
import {
  ANY_MONITORING_CONDITION, ASSETS_KEY_CONDITION, DATASET_FORMAT_MAPPING, PARAMETERS, EMAIL_SLOTS, MONITORING_NAMES, MonitoringNameKey, STAND_IN,
  emailParameter, environmentConditions, environmentParameters, parseShape,
} from '../../blueprint/blueprint-parameters';
import { endpointNameFor, releasePrefixFor } from '../../contract/naming';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** The deploy spec members the variant parameter holds. */
const VARIANT_MEMBERS = ['instanceType', 'initialInstanceCount', 'serverless', 'autoScaling', 'deployment'];
const NO_VALUE = { Ref: 'AWS::NoValue' };
/** Actions only drift detection uses that name no environment (list calls): allowed while any slot monitors. */
const SHARED_MONITORING_ACTIONS = ['sagemaker:ListDataQualityJobDefinitions', 'sagemaker:ListModelQualityJobDefinitions'];
/** A word in every stand-in name; no literal string of a blueprint may hold it. */
const STAND_IN_MARK = 'standin';

type Parameters = ReturnType<typeof environmentParameters>;

/** The names drift detection derives from a slot's stand-in endpoint name, each with its parameter. */
function monitoringStandIns(slot: number): Array<[string, string]> {
  const endpoint = endpointNameFor(STAND_IN.modelName, STAND_IN.environmentName(slot));
  const parameters = environmentParameters(slot).monitoringNames;
  return Object.entries(MONITORING_NAMES).map(([key, derive]) => [derive(endpoint), parameters[key as MonitoringNameKey]]);
}

/** The blueprint template of `shape`, from the template its blueprint stack synthesized. */
export function blueprintTemplate(synthesized: Json, shape: string): Json {
  const { environments, batch } = parseShape(shape);
  const template = JSON.parse(JSON.stringify(synthesized));
  for (const resource of Object.values<Json>(template.Resources)) {
    delete resource.Metadata;
  }
  const standIns: Array<[string, string]> = [];
  let endpointSlots = 0;
  for (let slot = 1; slot <= environments; slot++) {
    const p = environmentParameters(slot);
    const env = STAND_IN.environmentName(slot);
    if (batch && slot === environments) {
      makeBatchSlot(template, slot);
    } else {
      makeSlotConditional(template, slot);
      makeMonitoringConditional(template, slot);
      standIns.push(...monitoringStandIns(slot));
      endpointSlots++;
    }
    standIns.push([endpointNameFor(STAND_IN.modelName, env), p.endpointName]);
    standIns.push([releasePrefixFor(STAND_IN.modelName, env), p.releasePrefix]);
    standIns.push([env, p.name]);
  }
  if (endpointSlots > 0) {
    makeSharedMonitoringConditional(template);
  }
  makeAssetsKeyConditional(template, shape);
  for (let slot = 1; slot <= EMAIL_SLOTS; slot++) {
    subscribeOnlyIfSet(template, slot);
    standIns.push([STAND_IN.email(slot), emailParameter(slot)]);
  }
  standIns.push([STAND_IN.pipelineName, 'PipelineName'], [STAND_IN.modelName, 'ModelName']);
  const replace = standInReplacer(standIns);
  for (const resource of Object.values<Json>(template.Resources)) {
    resource.Properties = mapStrings(resource.Properties, replace);
  }
  for (const output of Object.values<Json>(template.Outputs ?? {})) {
    output.Value = mapStrings(output.Value, replace);
  }
  dropDependenciesOnConditionalResources(template);
  const leftovers = leftoverStandIns(template);
  if (leftovers.length > 0) {
    throw new Error(`Blueprint ${shape}: stand-in names left in ${leftovers.slice(0, 10).join('; ')}. `
      + 'A name the construct derives from a stand-in needs a parameter (for drift detection, an entry of MONITORING_NAMES in blueprint-parameters.ts)');
  }
  return template;
}

function makeSlotConditional(template: Json, slot: number): void {
  const p = environmentParameters(slot);
  const c = environmentConditions(slot);
  const env = STAND_IN.environmentName(slot);
  const endpoint = endpointNameFor(STAND_IN.modelName, env);
  for (const [id, resource] of Object.entries<Json>(template.Resources)) {
    if (resource.Type !== 'AWS::SSM::Parameter') continue;
    const value = resource.Properties.Value;
    if (typeof value === 'string' && value.startsWith('{"requests":') && id.includes(env)) {
      resource.Properties.Value = { Ref: p.tests };
      // Only an environment with tests has its requests, and the test role may read them.
      resource.Condition = `${p.hasTests}On`;
      onlyIf(template, id, `${p.hasTests}On`);
    } else if (isDeploySpecOf(value, endpoint)) {
      // Drift detection reads captured traffic (a rule of the blueprint makes sure the sampling is set with it).
      resource.Properties.Value = {
        'Fn::If': [c.monitoring, deploySpec(value, p, { capture: true, monitoring: true }), {
          'Fn::If': [`${p.captureSampling}On`, deploySpec(value, p, { capture: true, monitoring: false }), deploySpec(value, p, { capture: false, monitoring: false })],
        }],
      };
    }
  }
  const pipeline = Object.values<Json>(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  const stages: Json[] = pipeline.Properties.Stages;
  pipeline.Properties.Stages = stages.map((stage) => {
    if (stage.Name === `Approve-${env}`) {
      return { 'Fn::If': [`${p.approval}On`, stage, NO_VALUE] };
    }
    if (stage.Name === `Test-${env}`) {
      for (const action of stage.Actions) {
        const parameters = action.Configuration.UserParameters;
        action.Configuration.UserParameters = {
          'Fn::If': [`${p.testScaling}On`, testParameters(parameters, p, true), testParameters(parameters, p, false)],
        };
      }
      return { 'Fn::If': [`${p.hasTests}On`, stage, NO_VALUE] };
    }
    if (stage.Name === `Monitor-${env}`) {
      return { 'Fn::If': [c.monitoring, stage, NO_VALUE] };
    }
    return stage;
  });
}

/**
 * A batch slot: its deploy spec takes its instances and its transform and
 * check (the `batch` member) from parameters; its approval is conditional.
 * Its Test stage (the output check) is always there.
 */
function makeBatchSlot(template: Json, slot: number): void {
  const p = environmentParameters(slot);
  const env = STAND_IN.environmentName(slot);
  const endpoint = endpointNameFor(STAND_IN.modelName, env);
  for (const resource of Object.values<Json>(template.Resources)) {
    if (resource.Type === 'AWS::SSM::Parameter' && isDeploySpecOf(resource.Properties.Value, endpoint)) {
      resource.Properties.Value = editJson(resource.Properties.Value, (spec, raw) => {
        const edited: Json = {};
        for (const [key, member] of Object.entries<Json>(spec)) {
          if (!VARIANT_MEMBERS.includes(key)) edited[key] = member;
        }
        edited.batch = raw.value({ Ref: p.batch });
        Object.assign(edited, raw.members({ Ref: p.variant }));
        return edited;
      });
    }
  }
  const pipeline = Object.values<Json>(template.Resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  pipeline.Properties.Stages = pipeline.Properties.Stages.map((stage: Json) =>
    (stage.Name === `Approve-${env}` ? { 'Fn::If': [`${p.approval}On`, stage, NO_VALUE] } : stage));
}

function isDeploySpecOf(value: Json, endpoint: string): boolean {
  return typeof value !== 'string' && (renderedText(value)?.includes(`"endpointName":"${endpoint}","releasePrefix"`) ?? false);
}

/**
 * Drift detection of an endpoint slot, there only when the slot monitors:
 * its monitoring role and policy, its alarms (their period and description
 * following the frequency parameter), the clean-up's monitoring prefix, and
 * every policy statement naming the slot's schedule, jobs, job definitions,
 * alarms or monitoring role.
 */
function makeMonitoringConditional(template: Json, slot: number): void {
  const p = environmentParameters(slot);
  const c = environmentConditions(slot);
  const env = STAND_IN.environmentName(slot);
  const endpoint = endpointNameFor(STAND_IN.modelName, env);
  const schedule = MONITORING_NAMES.MonitoringSchedule(endpoint);
  const resources: { [id: string]: Json } = template.Resources;

  // The role the jobs run with. (CodePipeline's Monitor action runs as the
  // pipeline's role and invokes the deploy function, as the Deploy action does.)
  const roles = [`Env${env}MonitoringRole`].map((name) => {
    const found = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::IAM::Role' && id.includes(name));
    if (found.length !== 1) {
      throw new Error(`Environment slot ${slot}: expected one role with ${name} in its logical ID, found ${found.length}`);
    }
    return found[0];
  });
  const roleReferences = roles.flatMap((role) => [JSON.stringify({ Ref: role }), JSON.stringify({ 'Fn::GetAtt': [role, 'Arn'] })]);
  for (const [id, resource] of Object.entries<Json>(resources)) {
    const rolePolicy = resource.Type === 'AWS::IAM::Policy' && roles.some((role) => JSON.stringify(resource.Properties.Roles) === JSON.stringify([{ Ref: role }]));
    if (rolePolicy || roles.includes(id)) {
      resource.Condition = c.monitoring;
    }
    if (resource.Type === 'AWS::CloudWatch::Alarm' && typeof resource.Properties.AlarmName === 'string' && resource.Properties.AlarmName.startsWith(schedule)) {
      resource.Condition = c.monitoring;
      // Synthesized hourly: one period is one run of the schedule.
      resource.Properties.Period = { 'Fn::If': [c.daily, 24 * 60 * 60, resource.Properties.Period] };
      const frequency = { Ref: p.monitoringFrequency };
      resource.Properties.AlarmDescription = mapStrings(resource.Properties.AlarmDescription, literalReplacer('hourly Model Monitor', [frequency, ' Model Monitor']));
      if (!JSON.stringify(resource.Properties.AlarmDescription).includes(JSON.stringify(frequency))) {
        throw new Error(`Environment slot ${slot}: the drift alarm ${resource.Properties.AlarmName} no longer says "hourly Model Monitor" for the frequency to replace`);
      }
    }
    if (resource.Type === 'Custom::MlopsReleaseCleanup') {
      for (const entry of resource.Properties.Environments) {
        if (entry.endpointName === endpoint && entry.monitoringPrefix !== undefined) {
          entry.monitoringPrefix = { 'Fn::If': [c.monitoring, entry.monitoringPrefix, NO_VALUE] };
        }
      }
    }
  }
  const markers = [...monitoringStandIns(slot).map(([name]) => name), ...roleReferences];
  mapStatements(template, (statement) => {
    const text = JSON.stringify(statement);
    if (!markers.some((marker) => text.includes(marker))) {
      return statement;
    }
    if (statement['Fn::If']) {
      // One statement for two slots would need both conditions or-ed, not nested.
      throw new Error(`Environment slot ${slot}: a conditional statement also concerns its drift detection: ${text.slice(0, 200)}`);
    }
    return { 'Fn::If': [c.monitoring, statement, NO_VALUE] };
  });
}

/**
 * What every monitored slot shares, there while any slot monitors: list
 * permissions that name no environment, and the topic key's statement for
 * CloudWatch (one per key, whichever environment added it).
 */
function makeSharedMonitoringConditional(template: Json): void {
  mapStatements(template, (statement) => {
    if (statement['Fn::If']) return statement;
    const actions: string[] = [statement.Action].flat();
    const listsOnly = actions.every((action) => SHARED_MONITORING_ACTIONS.includes(action));
    const cloudwatchOnKey = statement.Principal?.Service === 'cloudwatch.amazonaws.com' && actions.every((action) => action.startsWith('kms:'));
    return listsOnly || cloudwatchOnKey ? { 'Fn::If': [ANY_MONITORING_CONDITION, statement, NO_VALUE] } : statement;
  });
}

/** Applies `edit` to every statement of every IAM, topic, queue, bucket and key policy of the template. */
function mapStatements(template: Json, edit: (statement: Json) => Json): void {
  for (const resource of Object.values<Json>(template.Resources)) {
    const document = resource.Type === 'AWS::KMS::Key' ? resource.Properties.KeyPolicy : resource.Properties?.PolicyDocument;
    if (document && Array.isArray(document.Statement)) {
      document.Statement = document.Statement.map(edit);
    }
  }
}

/**
 * A resource that is always there may not depend on one that is not:
 * CloudFormation refuses such a template. Only an order of creation is
 * lost, which a resource nothing else refers to does not need.
 */
function dropDependenciesOnConditionalResources(template: Json): void {
  const resources: { [id: string]: Json } = template.Resources;
  for (const resource of Object.values<Json>(resources)) {
    if (resource.DependsOn === undefined || resource.Condition !== undefined) continue;
    const kept = [resource.DependsOn].flat().filter((id: string) => resources[id]?.Condition === undefined);
    if (kept.length === 0) {
      delete resource.DependsOn;
    } else {
      resource.DependsOn = kept;
    }
  }
}

/** Where a literal string of the template's resources or outputs still holds a stand-in. */
function leftoverStandIns(template: Json): string[] {
  const found: string[] = [];
  const check = (where: string): Replacer => (text) => {
    if (text.includes(STAND_IN_MARK)) found.push(`${where}: ${text.slice(0, 120)}`);
    return text;
  };
  for (const [id, resource] of Object.entries<Json>(template.Resources)) {
    mapStrings(resource.Properties, check(id));
  }
  for (const [id, output] of Object.entries<Json>(template.Outputs ?? {})) {
    mapStrings(output.Value, check(id));
  }
  return found;
}

/** The deploy spec with its variant members from the parameter, with or without data capture and drift detection. */
function deploySpec(value: Json, p: Parameters, options: { capture: boolean; monitoring: boolean }): Json {
  return editJson(value, (spec, raw) => {
    const edited: Json = {};
    for (const [key, member] of Object.entries<Json>(spec)) {
      if (VARIANT_MEMBERS.includes(key)) continue;
      if (key === 'dataCapture') {
        if (options.capture) {
          edited.dataCapture = { samplingPercentage: raw.value({ Ref: p.captureSampling }), destinationS3Uri: member.destinationS3Uri };
        }
        continue;
      }
      if (key === 'monitoring') {
        if (options.monitoring) {
          edited.monitoring = {
            ...member,
            baselineDatasetFormat: raw.value({ 'Fn::FindInMap': [DATASET_FORMAT_MAPPING, { Ref: p.datasetFormat }, 'spec'] }),
            schedule: raw.text({ Ref: p.monitoringFrequency }),
          };
        }
        continue;
      }
      edited[key] = member;
    }
    Object.assign(edited, raw.members({ Ref: p.variant }));
    return edited;
  });
}

/** The test action's parameters, with the scaling from its parameter or without scaling. */
function testParameters(value: Json, p: Parameters, scaling: boolean): Json {
  return editJson(value, (parameters, raw) => {
    const { scaling: _standIn, ...rest } = parameters;
    return scaling ? { ...rest, scaling: raw.value({ Ref: p.testScaling }) } : rest;
  });
}

/**
 * Keeps the grants on the assets bucket's key only when the framework names
 * one (a bucket passed in without its key needs none, and a statement on an
 * empty ARN is no valid policy). Each names the key alone, as CDK's key
 * grants do: one that named something else too would lose that as well.
 */
function makeAssetsKeyConditional(template: Json, shape: string): void {
  const reference = JSON.stringify({ Ref: PARAMETERS.assetsKeyArn });
  mapStatements(template, (statement) => {
    // A statement another part already made conditional is Fn::If [condition, statement, AWS::NoValue].
    let inner = statement;
    while (inner['Fn::If']) inner = inner['Fn::If'][1];
    if (JSON.stringify(inner).includes(reference) && JSON.stringify(inner.Resource) !== reference) {
      throw new Error(`Blueprint ${shape}: a policy statement names the assets key with other resources: ${JSON.stringify(inner)}`);
    }
    return statement;
  });
  onlyIf(template, PARAMETERS.assetsKeyArn, ASSETS_KEY_CONDITION);
}

/** Makes every policy statement that refers to resource `id` conditional, as the resource is. */
function onlyIf(template: Json, id: string, condition: string): void {
  const reference = JSON.stringify({ Ref: id });
  mapStatements(template, (statement) =>
    JSON.stringify(statement).includes(reference) ? { 'Fn::If': [condition, statement, NO_VALUE] } : statement);
}

function subscribeOnlyIfSet(template: Json, slot: number): void {
  for (const resource of Object.values<Json>(template.Resources)) {
    if (resource.Type === 'AWS::SNS::Subscription' && resource.Properties.Endpoint === STAND_IN.email(slot)) {
      resource.Condition = `${emailParameter(slot)}Set`;
    }
  }
}

// -- JSON held in a CloudFormation string (a literal or an Fn::Join of literals and intrinsics)

const PART = /@@MLOPS_PART_([0-9]+)@@/g;

/** Raw JSON spliced in where CloudFormation resolves it: a value, object members, or a string's text. */
interface RawSplicer {
  value(intrinsic: Json): string;
  members(intrinsic: Json): { [key: string]: number };
  /** A JSON string whose text is the intrinsic's value (which must need no escaping). */
  text(intrinsic: Json): string;
}

function renderedText(value: Json): string | undefined {
  return render(value)?.text;
}

function render(value: Json): { text: string; parts: Json[] } | undefined {
  if (typeof value === 'string') {
    return { text: value, parts: [] };
  }
  const join = value?.['Fn::Join'];
  if (!join || join[0] !== '') {
    return undefined;
  }
  const parts: Json[] = [];
  const text = (join[1] as Json[]).map((part) => {
    if (typeof part === 'string') return part;
    parts.push(part);
    return `@@MLOPS_PART_${parts.length - 1}@@`;
  }).join('');
  return { text, parts };
}

/**
 * Parses the JSON a CloudFormation string holds, edits it, and writes it back
 * with its intrinsics in place. An intrinsic outside quotes (a number from a
 * parameter) is quoted while parsing and unquoted again.
 */
function editJson(value: Json, edit: (json: Json, raw: RawSplicer) => Json): Json {
  const rendered = render(value);
  if (!rendered) {
    throw new Error(`Not JSON in a CloudFormation string: ${JSON.stringify(value).slice(0, 200)}`);
  }
  const parts = [...rendered.parts];
  const quoted = rendered.text.replace(/([:[,])@@MLOPS_PART_([0-9]+)@@/g, '$1"@@MLOPS_RAW_$2@@"');
  const raw: RawSplicer = {
    value: (intrinsic) => `@@MLOPS_RAW_${parts.push(intrinsic) - 1}@@`,
    members: (intrinsic) => ({ [`@@MLOPS_MEMBERS_${parts.push(intrinsic) - 1}@@`]: 0 }),
    // Left inside its quotes: a placeholder is replaced wherever it is.
    text: (intrinsic) => `@@MLOPS_PART_${parts.push(intrinsic) - 1}@@`,
  };
  const text = JSON.stringify(edit(JSON.parse(quoted), raw))
    .replace(/"@@MLOPS_RAW_([0-9]+)@@"/g, '@@MLOPS_PART_$1@@')
    .replace(/"@@MLOPS_MEMBERS_([0-9]+)@@":0/g, '@@MLOPS_PART_$1@@');
  const pieces: Json[] = [];
  let last = 0;
  for (const match of text.matchAll(PART)) {
    pieces.push(text.slice(last, match.index), parts[Number(match[1])]);
    last = match.index! + match[0].length;
  }
  pieces.push(text.slice(last));
  return joined(pieces);
}

// -- stand-in names to parameter references

/** Replaces stand-ins in a literal string: the string itself, or an Fn::Join with references. */
type Replacer = (text: string) => Json;

function standInReplacer(standIns: Array<[string, string]>): Replacer {
  // Longest first: a derived name contains the names it derives from.
  const ordered = [...standIns].sort((a, b) => b[0].length - a[0].length);
  const parameterOf = new Map(ordered);
  const pattern = new RegExp(ordered.map(([standIn]) => standIn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => {
    const pieces: Json[] = [];
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      pieces.push(text.slice(last, match.index), { Ref: parameterOf.get(match[0]) });
      last = match.index + match[0].length;
    }
    if (pieces.length === 0) {
      return text;
    }
    pieces.push(text.slice(last));
    return joined(pieces);
  };
}

/** Replaces every occurrence of `search` in a literal string with `replacement` (literals and intrinsics). */
function literalReplacer(search: string, replacement: Json[]): Replacer {
  return (text) => {
    const pieces = text.split(search);
    return pieces.length === 1 ? text : joined(pieces.flatMap((piece, i) => (i === 0 ? [piece] : [...replacement, piece])));
  };
}

/**
 * Applies `replace` to every literal string in resource properties or an
 * output's value, leaving alone keys and what names template elements (Ref
 * and GetAtt targets, condition names).
 */
function mapStrings(node: Json, replace: Replacer): Json {
  if (typeof node === 'string') {
    return replace(node);
  }
  if (Array.isArray(node)) {
    return node.map((item) => mapStrings(item, replace));
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  if ('Ref' in node || 'Fn::GetAtt' in node || ('Condition' in node && Object.keys(node).length === 1)) {
    return node;
  }
  if ('Fn::Join' in node) {
    const [delimiter, items] = node['Fn::Join'];
    const mapped = (items as Json[]).map((item) => mapStrings(item, replace));
    return delimiter === '' ? joined(mapped.flatMap((item) => item?.['Fn::Join']?.[0] === '' ? item['Fn::Join'][1] : [item])) : { 'Fn::Join': [delimiter, mapped] };
  }
  if ('Fn::If' in node) {
    const [condition, whenTrue, whenFalse] = node['Fn::If'];
    return { 'Fn::If': [condition, mapStrings(whenTrue, replace), mapStrings(whenFalse, replace)] };
  }
  return Object.fromEntries(Object.entries<Json>(node).map(([key, value]) => [key, mapStrings(value, replace)]));
}

/** Joins literal strings and intrinsics: adjacent literals merged, empty ones dropped, a lone literal as itself. */
function joined(pieces: Json[]): Json {
  const merged: Json[] = [];
  for (const piece of pieces) {
    if (piece === '') continue;
    if (typeof piece === 'string' && typeof merged[merged.length - 1] === 'string') {
      merged[merged.length - 1] += piece;
    } else {
      merged.push(piece);
    }
  }
  if (merged.length === 0) return '';
  // A lone literal or intrinsic as itself: a string parameter's Ref needs no join.
  if (merged.length === 1) return merged[0];
  return { 'Fn::Join': ['', merged] };
}
