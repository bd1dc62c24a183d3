import { join } from 'path';
import { FIXTURES, mlops } from './cli-runner';
import { COMMANDS } from '../../src/cli/mlops';

const config = join(FIXTURES, 'mlops-config.json');

test('--help lists every command and the exit codes, on stdout, exit 0', async () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const run = await mlops(args);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Usage: mlops <command> \[options\]\n/);
    for (const name of ['validate', 'provision', 'status', 'list', 'delete']) expect(run.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(run.stdout).toContain('Exit codes: 0 success, 1 failure (invalid file, API error, failed pipeline), 2 usage error.');
  }
});

test.each(COMMANDS.map((c) => c.name))('%s --help shows its usage and every option it takes', async (name) => {
  const command = COMMANDS.find((c) => c.name === name)!;
  const viaFlag = await mlops([name, '--help']);
  const viaHelp = await mlops(['help', name]);
  expect(viaFlag).toMatchObject({ code: 0, stderr: '' });
  expect(viaHelp.stdout).toBe(viaFlag.stdout);
  expect(viaFlag.stdout.startsWith(`Usage: ${command.usage}\n`)).toBe(true);
  const options = [...Object.keys(command.options), ...(command.usesApi ? ['api', 'region'] : []), 'json', 'help'];
  for (const option of options) expect(viaFlag.stdout).toMatch(new RegExp(`^  (-h, )?--${option}\\b`, 'm'));
  expect(viaFlag.stdout.includes('--api')).toBe(command.usesApi);
});

test('--help wins over missing arguments', async () => {
  const run = await mlops(['provision', '--help']);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('Usage: mlops provision <file> --api <url> [--wait] [--interval <seconds>] [--timeout <minutes>]');
});

test('no command: the global help on stderr, exit 2', async () => {
  const run = await mlops([]);
  expect(run).toMatchObject({ code: 2, stdout: '' });
  expect(run.stderr).toMatch(/^Usage: mlops <command>/);
});

test.each([
  [['deploy'], 'unknown command \'deploy\' (commands: validate, provision, status, list, delete)', 'mlops --help'],
  [['help', 'deploy'], 'unknown command \'deploy\'', 'mlops --help'],
  [['validate'], 'missing <file>: mlops validate <file>', 'mlops validate --help'],
  [['status', '--api', 'http://127.0.0.1:9/prod'], 'missing <name>: mlops status <name> --api <url>', 'mlops status --help'],
  [['validate', 'a.json', 'b.json'], 'unexpected argument \'b.json\'', 'mlops validate --help'],
  [['list', '--verbose'], 'unknown option --verbose', 'mlops list --help'],
  [['list', '--api'], '--api needs a value (<url>)', 'mlops list --help'],
  [['list', '--api', '--json'], '--api needs a value (<url>)', 'mlops list --help'],
  [['list', '--json=yes'], '--json takes no value', 'mlops list --help'],
  [['list'], 'no API URL: pass --api <url> or set MLOPS_API_URL', 'mlops list --help'],
  [['list', '--api', 'not a url'], '--api: \'not a url\' is not a URL (expected https://{api-id}.execute-api.{region}.amazonaws.com/{stage})', 'mlops list --help'],
  [['list', '--api', 'http://api.example.com/prod'], '--api: \'http://api.example.com/prod\' must be an https:// URL', 'mlops list --help'],
  [['list', '--api', 'https://api.example.com/prod?x=1'], '--api: \'https://api.example.com/prod?x=1\' must not have a query or fragment', 'mlops list --help'],
  [['list', '--api', 'https://api.example.com/prod'], 'cannot tell the region of https://api.example.com: pass --region <region> or set AWS_REGION', 'mlops list --help'],
  [['list', '--api', 'https://api.example.com/prod', '--region', 'Europe'], '\'Europe\' is not an AWS region (such as eu-west-1)', 'mlops list --help'],
  [['provision', config, '--api', 'http://127.0.0.1:9/prod', '--region', 'eu-west-1', '--interval', '0'], '--interval must be a positive number of seconds, not \'0\'', 'mlops provision --help'],
  [['provision', config, '--api', 'http://127.0.0.1:9/prod', '--region', 'eu-west-1', '--timeout', 'soon'], '--timeout must be a positive number of minutes, not \'soon\'', 'mlops provision --help'],
  [['delete', 'churn', '--api', 'http://127.0.0.1:9/prod', '--region', 'eu-west-1', '--interval', '-5'], '--interval needs a value (<seconds>)', 'mlops delete --help'],
])('mlops %j: a usage error, exit 2', async (args, message, help) => {
  const run = await mlops(args);
  expect(run).toMatchObject({ code: 2, stdout: '', stderr: `mlops: ${message}\nRun '${help}' for usage.\n` });
});

test('options may come before the command', async () => {
  const run = await mlops(['--json', 'validate', config]);
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).valid).toBe(true);
});
