import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MlopsFrameworkProps } from './mlops-framework-props';
import { WEB_ACL_PATTERN } from '../apigateway/api-web-acl';
import { isVersioned } from '../pipeline/bucket-versioning';
import { validateEmails } from '../pipeline/notifications/notification-validation';
import { ProblemCollector } from '../common/problem-collector';

/** Letters, digits and hyphens, starting with a letter: stack names begin with it. */
const STACK_PREFIX_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,29}$/;
const CONNECTION_ARN_PATTERN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:[0-9]{12}:connection\/[A-Za-z0-9-]+$/;
/** Git hosts refuse "." and ".." as owner or repository names: in a URL they would climb out of the path. */
const REPOSITORY_PART_PATTERN = /^(?!\.{1,2}$)[A-Za-z0-9_.-]+$/;
/** API Gateway's account-level default limits. */
const MAX_RATE = 10_000;
const MAX_BURST = 5_000;

/**
 * Checks MlopsFramework props, reporting every problem at once with the
 * prop's name; on a problem, `framework` is taken out of its scope first.
 */
export function validateFrameworkProps(props: MlopsFrameworkProps, framework?: Construct): void {
  const problems = new ProblemCollector('MlopsFramework');
  problems.matches(props.stackPrefix, STACK_PREFIX_PATTERN, 'stackPrefix', 'must be 1-30 letters, digits and hyphens, starting with a letter (stack names begin with it)');
  if (props.topic && props.notificationEmails?.length) {
    problems.add('notificationEmails', 'cannot be combined with topic: subscribe the addresses to that topic');
  }
  validateEmails(props.notificationEmails ?? [], 'notificationEmails', problems);
  if (props.topic?.fifo === true) {
    problems.add('topic', 'must be a standard topic: SNS FIFO topics cannot deliver to email subscriptions');
  }
  if (props.assetsBucket) {
    problems.check(isVersioned(props.assetsBucket), 'assetsBucket', 'must have versioning enabled (pipelines start on new object versions)');
    problems.check(props.noncurrentVersionExpirationDays === undefined, 'noncurrentVersionExpirationDays', 'applies to the framework\'s own bucket only; set lifecycle rules on your assetsBucket yourself');
  }
  problems.integerInRange(props.noncurrentVersionExpirationDays, 1, 3650, 'noncurrentVersionExpirationDays');
  for (const [name, value, max] of [['throttlingRateLimit', props.throttlingRateLimit, MAX_RATE], ['throttlingBurstLimit', props.throttlingBurstLimit, MAX_BURST]] as const) {
    if (value !== undefined && !Token.isUnresolved(value)) {
      problems.check(Number.isFinite(value) && value > 0 && value <= max, name, `must be more than 0 and at most ${max}, got ${value}`);
    }
  }
  problems.matches(props.webAclArn, WEB_ACL_PATTERN, 'webAclArn', 'is not a regional WAFv2 web ACL ARN');
  const git = props.gitSource;
  if (git) {
    problems.matches(git.connectionArn, CONNECTION_ARN_PATTERN, 'gitSource.connectionArn', 'is not an AWS CodeConnections connection ARN');
    problems.matches(git.owner, REPOSITORY_PART_PATTERN, 'gitSource.owner', 'must be a repository owner (letters, digits, ".", "_" and "-")');
    problems.matches(git.repository, REPOSITORY_PART_PATTERN, 'gitSource.repository', 'must be a repository name (letters, digits, ".", "_" and "-")');
    if (git.branch !== undefined && !Token.isUnresolved(git.branch)) {
      problems.check(git.branch.length > 0 && git.branch.length <= 255 && !/\s|\.\.|^\/|\/$/.test(git.branch), 'gitSource.branch', `${JSON.stringify(git.branch)} is not a branch name`);
    }
    if (git.configPath !== undefined && !Token.isUnresolved(git.configPath)) {
      problems.check(/^[^/\\\s][^\\]*\.json$/.test(git.configPath) && !git.configPath.split('/').includes('..'), 'gitSource.configPath',
        `${JSON.stringify(git.configPath)} must be a relative path to a .json file in the repository`);
    }
  }
  problems.throwIfAny(framework);
}
