/**
 * Turns the template synthesized from a blueprint stack into the blueprint
 * template the package ships. Plain TypeScript over template JSON:
 *
 * 1. Every environment slot was synthesized with each optional part present;
 *    the parts a request may leave out become conditional: the approval and
 *    test stages, the test action's scaling parameters, and the deploy spec's
 *    data capture. The deploy spec's variant members (instances or serverless,
 *    scaling, traffic shifting) come from a parameter.
 * 2. Every stand-in name, and every name derived from one, becomes a
 *    reference to the parameter that holds the real name.
 * 3. CDK's construct metadata is dropped.
 */
import { EMAIL_SLOTS, STAND_IN, emailParameter, environmentParameters, parseShape } from './blueprint-parameters';
import { endpointNameFor, releasePrefixFor } from '../../pipeline/naming';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/** The deploy spec members the variant parameter holds. */
const VARIANT_MEMBERS = ['instanceType', 'initialInstanceCount', 'serverless', 'autoScaling', 'deployment'];
const NO_VALUE = { Ref: 'AWS::NoValue' };

/** The blueprint template of `shape`, from the template its blueprint stack synthesized. */
export function blueprintTemplate(synthesized: Json, shape: string): Json {
  const { environments } = parseShape(shape);
  const template = JSON.parse(JSON.stringify(synthesized));
  for (const resource of Object.values<Json>(template.Resources)) {
    delete resource.Metadata;
  }
  const standIns: Array<[string, string]> = [];
  for (let slot = 1; slot <= environments; slot++) {
    makeSlotConditional(template, slot);
    const p = environmentParameters(slot);
    const env = STAND_IN.environmentName(slot);
    standIns.push([endpointNameFor(STAND_IN.modelName, env), p.endpointName]);
    standIns.push([releasePrefixFor(STAND_IN.modelName, env), p.releasePrefix]);
    standIns.push([env, p.name]);
  }
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
  return template;
}

function makeSlotConditional(template: Json, slot: number): void {
  const p = environmentParameters(slot);
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
    } else if (typeof value !== 'string' && renderedText(value)?.includes(`"endpointName":"${endpoint}","releasePrefix"`)) {
      resource.Properties.Value = {
        'Fn::If': [`${p.captureSampling}On`, deploySpec(value, p, true), deploySpec(value, p, false)],
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
    return stage;
  });
}

/** The deploy spec with its variant members from the parameter, with or without data capture. */
function deploySpec(value: Json, p: ReturnType<typeof environmentParameters>, capture: boolean): Json {
  return editJson(value, (spec, raw) => {
    const edited: Json = {};
    for (const [key, member] of Object.entries<Json>(spec)) {
      if (VARIANT_MEMBERS.includes(key)) continue;
      if (key === 'dataCapture') {
        if (capture) {
          edited.dataCapture = { samplingPercentage: raw.value({ Ref: p.captureSampling }), destinationS3Uri: member.destinationS3Uri };
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
function testParameters(value: Json, p: ReturnType<typeof environmentParameters>, scaling: boolean): Json {
  return editJson(value, (parameters, raw) => {
    const { scaling: _standIn, ...rest } = parameters;
    return scaling ? { ...rest, scaling: raw.value({ Ref: p.testScaling }) } : rest;
  });
}

/** Makes every policy statement that refers to resource `id` conditional, as the resource is. */
function onlyIf(template: Json, id: string, condition: string): void {
  const reference = JSON.stringify({ Ref: id });
  for (const resource of Object.values<Json>(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const document = resource.Properties.PolicyDocument;
    document.Statement = document.Statement.map((statement: Json) =>
      JSON.stringify(statement).includes(reference) ? { 'Fn::If': [condition, statement, NO_VALUE] } : statement);
  }
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

/** Raw JSON spliced in where CloudFormation resolves it: a value, or object members. */
interface RawSplicer {
  value(intrinsic: Json): string;
  members(intrinsic: Json): { [key: string]: number };
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
  if (merged.length === 1 && typeof merged[0] === 'string') return merged[0];
  return { 'Fn::Join': ['', merged] };
}
