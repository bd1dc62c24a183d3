import { Token } from 'aws-cdk-lib';
import { EnvironmentProps } from './environment-props';
import { ProblemCollector } from '../../problem-collector';

const ENV_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
const ENV_NAME_MAX = 20;
const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
/** SageMaker's per-variant ceiling on initial instances. */
const MAX_INSTANCE_COUNT = 100;
const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;

/** Checks an environment's props, adding every problem to `problems` under `path`. */
export function validateEnvironment(props: EnvironmentProps, path: string, problems: ProblemCollector): void {
  if (!Token.isUnresolved(props.name)) {
    problems.matches(props.name, ENV_NAME_PATTERN, `${path}.name`, 'may hold letters, digits and single hyphens only, starting and ending with a letter or digit');
    problems.check(props.name.length <= ENV_NAME_MAX, `${path}.name`, `must be at most ${ENV_NAME_MAX} characters, got ${props.name.length}`);
  } else {
    problems.add(`${path}.name`, 'must be a literal string: it names the endpoint at synth time');
  }
  problems.matches(props.instanceType, INSTANCE_TYPE_PATTERN, `${path}.instanceType`, 'is not a SageMaker instance type (like "ml.m5.large")');
  problems.integerInRange(props.instanceCount, 1, MAX_INSTANCE_COUNT, `${path}.instanceCount`);
  for (const [key, value] of Object.entries(props.tags ?? {})) {
    problems.matches(key, TAG_KEY_PATTERN, `${path}.tags`, 'is not a valid tag key (1-128 letters, digits, spaces and _.:/=+-@)');
    problems.check(key.startsWith('aws:') === false, `${path}.tags`, `key "${key}" uses the reserved "aws:" prefix`);
    if (!Token.isUnresolved(value)) {
      problems.check(value.length <= 256, `${path}.tags`, `value of "${key}" must be at most 256 characters`);
    }
  }
}

