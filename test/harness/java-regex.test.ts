import { spawnSync } from 'child_process';
import * as path from 'path';
import { PROJECT_ROOT, venvBin } from './moto-server';

/**
 * java_regex.py: botocore's patterns are java.util.regex patterns, matched by
 * AWS against the whole value. Each case is a pattern from a botocore model
 * (or Java's documented syntax) with values Java accepts and refuses.
 */
interface Verdicts {
  readonly [value: string]: boolean | 'undecidable';
}
type Outcome = { untranslatable: string } | { verdicts: Verdicts };

/** Runs the launcher's translation in the project's Python on each pattern and value. */
function javaMatches(cases: Record<string, readonly string[]>): Record<string, Outcome> {
  const script = [
    'import json, sys',
    `sys.path.insert(0, ${JSON.stringify(path.join(PROJECT_ROOT, 'test', 'harness'))})`,
    'from java_regex import compile_java, Undecidable, Untranslatable',
    'out = {}',
    'for pattern, values in json.load(sys.stdin).items():',
    '    try:',
    '        compiled = compile_java(pattern)',
    '    except Untranslatable as err:',
    '        out[pattern] = {"untranslatable": str(err)}',
    '        continue',
    '    verdicts = {}',
    '    for value in values:',
    '        try:',
    '            verdicts[value] = compiled.matches(value)',
    '        except Undecidable:',
    '            verdicts[value] = "undecidable"',
    '    out[pattern] = {"verdicts": verdicts}',
    'print(json.dumps(out))',
  ].join('\n');
  const run = spawnSync(venvBin('python'), ['-c', script], { input: JSON.stringify(cases), encoding: 'utf-8' });
  if (run.status !== 0) {
    throw new Error(`python failed: ${run.stderr}`);
  }
  return JSON.parse(run.stdout);
}

function verdicts(pattern: string, values: readonly string[]): Verdicts {
  const outcome = javaMatches({ [pattern]: values })[pattern];
  if ('untranslatable' in outcome) {
    throw new Error(`${pattern} was not translated: ${outcome.untranslatable}`);
  }
  return outcome.verdicts;
}

test("SageMaker's EndpointName: the whole value must match, up to 63 characters", () => {
  expect(verdicts('^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}', ['churn-dev', 'a--b', 'churn_dev', '-churn', 'churn-', 'a'.repeat(63), 'a'.repeat(64), ''])).toEqual({
    'churn-dev': true, 'a--b': true, 'churn_dev': false, '-churn': false, 'churn-': false, ['a'.repeat(63)]: true, ['a'.repeat(64)]: false, '': false,
  });
});

test('\\p{...} Unicode categories, as in tag keys', () => {
  expect(verdicts('([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)', ['mlops:pipeline', 'Größe 1', 'a!b', 'tab\there'])).toEqual({
    'mlops:pipeline': true, 'Größe 1': true, 'a!b': false, 'tab\there': false,
  });
});

test('POSIX classes are ASCII-only in Java: \\p{Alnum}, \\p{Print}, \\p{ASCII}', () => {
  expect(verdicts('arn:[\\p{Alnum}\\-]+:lambda:[\\p{Alnum}\\-]+:[0-9]{12}:function:.*', [
    'arn:aws:lambda:us-east-1:123456789012:function:f', 'arn:aws:lambda:us-éast-1:123456789012:function:f',
  ])).toEqual({ 'arn:aws:lambda:us-east-1:123456789012:function:f': true, 'arn:aws:lambda:us-éast-1:123456789012:function:f': false });
  expect(verdicts('\\A\\S[\\p{Print}]*\\z', ['model a.tar.gz', ' lead', 'tab\tin', 'aé'])).toEqual({
    'model a.tar.gz': true, ' lead': false, 'tab\tin': false, 'aé': false,
  });
  expect(verdicts('\\p{ASCII}*', ['text/csv', 'ü'])).toEqual({ 'text/csv': true, 'ü': false });
});

test('\\s, \\w and \\d are ASCII-only; . and $ know all of Java\'s line terminators', () => {
  expect(verdicts('[\\w+=,.@-]*', ['mlops-provision', 'é', 'a b'])).toEqual({ 'mlops-provision': true, 'é': false, 'a b': false });
  expect(verdicts('\\S+', ['a\u00a0b'])).toEqual({ 'a\u00a0b': true });
  expect(verdicts('.*', ['one line', 'a\rb', 'a\u2028b', 'a\u0085b'])).toEqual({ 'one line': true, 'a\rb': false, 'a\u2028b': false, 'a\u0085b': false });
  expect(verdicts('(?s).{4,255}', ['ab\ncd'])).toEqual({ 'ab\ncd': true });
});

test('a surrogate pair is the code point it encodes; \\u10000 is \\u1000 then 0, as Java reads it', () => {
  expect(verdicts('[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*', ['emoji 😀', 'bell \u0007'])).toEqual({
    'emoji 😀': true, 'bell \u0007': false,
  });
  expect(verdicts('[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+', ['arn:aws:iam::1:role/x', '😀'])).toEqual({
    'arn:aws:iam::1:role/x': true, '😀': false,
  });
});

test('a negated shorthand inside a class, a look-behind, and back references past the ninth group', () => {
  expect(verdicts('[^\\s\\p{Cc}\\p{Cf}]+', ['s3://bucket/key', 'a b', 'zero\u200bwidth'])).toEqual({ 's3://bucket/key': true, 'a b': false, 'zero\u200bwidth': false });
  expect(verdicts('[\\S\\s]*', ['any\nthing'])).toEqual({ 'any\nthing': true });
  expect(verdicts('(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*/)?([a-zA-Z0-9]([a-zA-Z0-9\\-]){0,62})(?<!-)', ['churn', 'churn-'])).toEqual({ 'churn': true, 'churn-': false });
  const tenGroups = '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10';
  expect(verdicts(tenGroups, ['abcdefghijj', 'abcdefghija0'])).toEqual({ abcdefghijj: true, abcdefghija0: false });
  expect(verdicts('(a)\\10', ['aa0', 'a10'])).toEqual({ aa0: true, a10: false });
});

test('\\b: ASCII values are decided; next to other text Java versions disagree, so it is left undecided', () => {
  const stackName = '([a-zA-Z][-a-zA-Z0-9]*)|(arn:\\b(aws|aws-us-gov|aws-cn)\\b:[-a-zA-Z0-9:/._+]*)';
  expect(verdicts(stackName, ['mlops-churn', 'arn:aws:cloudformation:us-east-1:123456789012:stack/x/y', 'arn:awsx:c', 'mlops_churn', 'stäck'])).toEqual({
    'mlops-churn': true, 'arn:aws:cloudformation:us-east-1:123456789012:stack/x/y': true, 'arn:awsx:c': false, 'mlops_churn': false, 'stäck': 'undecidable',
  });
});

test('what is not reproduced exactly is left unchecked rather than guessed', () => {
  const outcomes = javaMatches({
    '[\\p{Print}&&[^|:/]]+': [],
    '[a-z[A-Z]]': [],
    '\\p{javaLowerCase}+': [],
    '\\p{IsAlphabetic}+': [],
    'a(?i)b': [],
    '[\\uD800]': [],
  });
  expect(Object.values(outcomes).map((o) => ('untranslatable' in o ? o.untranslatable : 'translated'))).toEqual([
    'class intersection (&&)',
    'a nested class (Java\'s union)',
    '\\p{javaLowerCase}',
    '\\p{IsAlphabetic}',
    'inline flags inside the pattern',
    'a lone surrogate (Java matches UTF-16 code units there)',
  ]);
});
