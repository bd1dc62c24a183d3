import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { toJsonPathSpec } from './json-path-expectations';
import { rollbackParameters, TestBindContext } from './test-binding';
import { ProblemCollector } from '../../common/problem-collector';
import { checkProp } from '../../common/schema-props';
import { testRequests } from '../../config/test-fields';
import { DEFAULT_TEST_CONTENT_TYPE, DEFAULT_TEST_STATUS, TestJobParameters, TestRequestSpec, TestSuiteSpec, defaultTestName } from '../../contract/test-settings';
import { justifyWildcards } from '../../nag/acknowledgements';
import { grantAssumeAccessRole } from '../access/assume-access-role';

/** An expectation on one value of a JSON response body. */
export interface JsonPathExpectation {
  /** Where the value is: `$`, then `.key`, `['key']` or `[index]` steps, e.g. `$.predictions[0].score`. */
  readonly path: string;

  /**
   * JSON text the value must equal, compared as JSON (`'"churn"'` for a string, `'0.5'`, `'true'`).
   * (Named `equalsJson` because jsii reserves `equals`.)
   * @default - any value, as long as the path exists and `min`/`max` hold
   */
  readonly equalsJson?: string;

  /**
   * The smallest number the value may be.
   * @default - no lower bound
   */
  readonly min?: number;

  /**
   * The largest number the value may be.
   * @default - no upper bound
   */
  readonly max?: number;
}

/** What the response to a test request must satisfy. Every expectation is checked and every failure reported. */
export interface TestExpectation {
  /**
   * The HTTP status the model must answer with (its original status when it fails).
   * @default 200
   */
  readonly status?: number;

  /**
   * Texts the response body must contain.
   * @default - none
   */
  readonly bodyContains?: string[];

  /**
   * Expectations on values of the body, which must then be JSON.
   * @default - none
   */
  readonly jsonPath?: JsonPathExpectation[];

  /**
   * The longest the endpoint may take to answer, measured by the test handler.
   * @default - no latency budget
   */
  readonly maxLatency?: Duration;
}

/** One request sent to the environment's endpoint after each release. */
export interface TestRequest {
  /**
   * The name failures are reported under.
   * @default - `#<position>`, counting from 1
   */
  readonly name?: string;

  /** The payload, as the model expects it. */
  readonly body: string;

  /**
   * The payload's MIME type.
   * @default 'application/json'
   */
  readonly contentType?: string;

  /**
   * The MIME type asked for in the response.
   * @default - none: the model's default
   */
  readonly accept?: string;

  /**
   * What the response must satisfy.
   * @default - status 200 only
   */
  readonly expect?: TestExpectation;
}

/** Where a CodeBuild test suite is kept: a zip in S3. */
export interface TestSuiteLocation {
  /** The bucket; versioning must be enabled (the pipeline reads it through an S3 source action). */
  readonly bucket: s3.IBucket;
  /** The zip's key. */
  readonly key: string;
}

/** A test suite run by CodeBuild against an environment's endpoint. */
export interface CodeBuildTestProps {
  /**
   * The build spec. `ENDPOINT_NAME`, `ENDPOINT_CONFIG_NAME`,
   * `PREVIOUS_ENDPOINT_CONFIG_NAME` and `AWS_REGION` are set; a command that
   * exits non-zero fails the test, and the environment is rolled back. For an
   * environment in another account, `MLOPS_ACCESS_ROLE_ARN` names the role the
   * suite assumes to call the endpoint (the build runs in the pipeline's account).
   */
  readonly buildSpec: codebuild.BuildSpec;

  /**
   * The test suite's files, checked out in the build's working directory.
   * Every environment of a release runs the version of the zip that the
   * release's Source stage saw.
   * @default - none: the build spec carries the commands inline
   */
  readonly source?: TestSuiteLocation;

  /**
   * The build image.
   * @default codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0 (small, arm64)
   */
  readonly buildImage?: codebuild.IBuildImage;

  /**
   * More environment variables for the build.
   * @default - only the endpoint variables above
   */
  readonly environmentVariables?: { [name: string]: codebuild.BuildEnvironmentVariable };

  /**
   * How long the build may run: whole minutes from 5 to 1200 (20 hours), so
   * that the build, its time in the queue (at most an hour) and a rollback
   * fit in the 24 hours CodePipeline gives the Test action.
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;
}

/** What an environment's Test stage runs after each release. */
export abstract class IntegrationTests {
  /**
   * Sends each request to the endpoint from a Lambda function and checks the
   * responses. Any failed expectation rolls the environment back to the
   * endpoint config that served before the release and stops the release.
   */
  public static requests(requests: TestRequest[]): IntegrationTests {
    return new RequestTests(requests);
  }

  /**
   * Runs a test suite in CodeBuild, started and watched by the pipeline's test
   * function. A failing build (failed, faulted, timed out or stopped) rolls
   * the environment back to the endpoint config that served before the
   * release and stops the release; the failure names the build's failing
   * phase and links to its logs.
   */
  public static codeBuild(props: CodeBuildTestProps): IntegrationTests {
    return new CodeBuildTests(props);
  }

  /**
   * Creates what the tests need and returns the Test stage's action.
   * @internal
   */
  public abstract _bind(scope: Construct, context: TestBindContext): codepipeline.IAction;
}

class RequestTests extends IntegrationTests {
  private readonly spec: TestSuiteSpec;

  constructor(requests: TestRequest[]) {
    super();
    const problems = new ProblemCollector('IntegrationTests');
    // The rules of a request's tests: the construct and the provisioning API accept the same ones.
    checkProp(testRequests, requests.map(toTestEntry), 'tests.requests', problems, { maxLatencyMs: 'maxLatency' });
    problems.throwIfAny();
    this.spec = { requests: requests.map(toRequestSpec) };
  }

  /** @internal */
  public _bind(_scope: Construct, context: TestBindContext): codepipeline.IAction {
    const handler = context.testHandler();
    const access = context.variant.access;
    handler.addEnvironment(context.endpointName, context.releasePrefix, context.variant.autoScaling !== undefined, access);
    const parameter = handler.addRequests(context.environmentName, context.endpointName, this.spec, access);
    const userParameters: TestJobParameters = { ...rollbackParameters(context), requestsParameter: parameter.parameterName };
    return new actions.LambdaInvokeAction({ actionName: 'Test', lambda: handler.function, userParameters: { ...userParameters, ...handler.actionParameters } });
  }
}

/** A test request as a request's `tests` entry writes it: the latency budget in whole milliseconds. */
function toTestEntry(request: TestRequest): unknown {
  const expect = request.expect;
  return {
    name: request.name,
    body: request.body,
    contentType: request.contentType,
    accept: request.accept,
    expect: expect && {
      status: expect.status,
      bodyContains: expect.bodyContains,
      jsonPath: expect.jsonPath?.map(({ path, equalsJson, min, max }) => ({ path, equalsJson, min, max })),
      maxLatencyMs: expect.maxLatency?.toMilliseconds({ integral: false }),
    },
  };
}

function toRequestSpec(request: TestRequest, index: number): TestRequestSpec {
  const expect = request.expect ?? {};
  const jsonPath = (expect.jsonPath ?? []).map(toJsonPathSpec);
  return {
    name: request.name ?? defaultTestName(index),
    body: request.body,
    contentType: request.contentType ?? DEFAULT_TEST_CONTENT_TYPE,
    accept: request.accept,
    status: expect.status ?? DEFAULT_TEST_STATUS,
    bodyContains: expect.bodyContains?.length ? expect.bodyContains : undefined,
    jsonPath: jsonPath.length ? jsonPath : undefined,
    maxLatencyMs: expect.maxLatency?.toMilliseconds(),
  };
}

/** Variables the Test stage sets on every build; users may not set them. */
const RESERVED_VARIABLES = ['ENDPOINT_NAME', 'ENDPOINT_CONFIG_NAME', 'PREVIOUS_ENDPOINT_CONFIG_NAME', 'AWS_REGION', 'MLOPS_ACCESS_ROLE_ARN'];
/** The longest build, in minutes: with an hour in the queue and time for a rollback, it fits in the Lambda action's 24 hours. */
const MAX_BUILD_MINUTES = 1200;

class CodeBuildTests extends IntegrationTests {
  constructor(private readonly props: CodeBuildTestProps) {
    super();
    const problems = new ProblemCollector('IntegrationTests');
    if (props.source && !Token.isUnresolved(props.source.key)) {
      problems.check(props.source.key.length > 0 && !props.source.key.startsWith('/'), 'tests.source.key',
        `${JSON.stringify(props.source.key)} must be a non-empty S3 key without a leading "/"`);
    }
    for (const name of Object.keys(props.environmentVariables ?? {})) {
      problems.check(!RESERVED_VARIABLES.includes(name), `tests.environmentVariables.${name}`, 'is set by the Test stage itself');
    }
    if (props.timeout && !Token.isUnresolved(props.timeout.toMinutes({ integral: false }))) {
      const minutes = props.timeout.toMinutes({ integral: false });
      problems.check(Number.isInteger(minutes) && minutes >= 5 && minutes <= MAX_BUILD_MINUTES, 'tests.timeout',
        `must be whole minutes from 5 to ${MAX_BUILD_MINUTES} (the build and a rollback must fit in the Test action's 24 hours), got ${minutes}`);
    }
    problems.throwIfAny();
  }

  /** @internal */
  public _bind(scope: Construct, context: TestBindContext): codepipeline.IAction {
    const env = context.environmentName;
    const access = context.variant.access;
    const construct = new Construct(scope, `Tests-${env}`);
    const stack = Stack.of(construct);
    const logGroup = new logs.LogGroup(construct, 'Logs', { retention: context.logRetention });
    const suite = this.props.source;
    // A project of its own source (the suite's zip, or none for an inline spec), not a
    // pipeline project: the test function starts it, so that a failure can roll back.
    const project = new codebuild.Project(construct, 'Project', {
      description: `Integration tests of environment ${env} (endpoint ${context.endpointName})`,
      source: suite && codebuild.Source.s3({ bucket: suite.bucket, path: suite.key }),
      buildSpec: this.props.buildSpec,
      environment: {
        buildImage: this.props.buildImage ?? codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0,
        computeType: codebuild.ComputeType.SMALL,
        privileged: false,
      },
      environmentVariables: {
        ...this.props.environmentVariables,
        ENDPOINT_NAME: { value: context.endpointName },
        AWS_REGION: { value: access?.region ?? stack.region },
        // Elsewhere, the suite assumes this role (e.g. `aws sts assume-role`) to reach the endpoint.
        ...(access ? { MLOPS_ACCESS_ROLE_ARN: { value: access.roleArn } } : {}),
      },
      encryptionKey: context.encryptionKey,
      logging: { cloudWatch: { logGroup } },
      timeout: this.props.timeout ?? Duration.minutes(30),
      // Bounded, so a build that cannot start fails the test well within the action's time.
      queuedTimeout: Duration.hours(1),
    });
    if (access) {
      grantAssumeAccessRole(project, access);
    } else {
      project.addToRolePolicy(new iam.PolicyStatement({
        actions: ['sagemaker:InvokeEndpoint'],
        // SageMaker writes resource names in lower case in its ARNs.
        resources: [stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: context.endpointName.toLowerCase() })],
      }));
    }
    justifyWildcards(construct, [
      { finding: /^Resource::arn:<AWS::Partition>:logs:.*:log-group:.*:\*$|^Resource::<[A-Za-z0-9]+\.Arn>:\*$/, reason: 'Log streams of the project\'s own log group' },
      { finding: /^Resource::arn:<AWS::Partition>:codebuild:.*:report-group\/<[A-Za-z0-9]+>-\*$/, reason: 'CodeBuild test reports of the project itself, named after it' },
      { finding: /^Action::(s3:(GetObject|GetBucket|List)|kms:(GenerateDataKey|ReEncrypt))\*$/, reason: 'CDK\'s standard grants for the build to read its test suite zip and to use the pipeline\'s key' },
    ]);

    let sourceVersion: string | undefined;
    if (suite) {
      // Read once per release by the Source stage, so every environment tests with the same version.
      const source = new actions.S3SourceAction({
        actionName: `TestSuite-${env}`,
        bucket: suite.bucket,
        bucketKey: suite.key,
        output: new codepipeline.Artifact(`TestSuite_${env.replace(/[^A-Za-z0-9_]/g, '_')}`),
        trigger: actions.S3Trigger.NONE,
        variablesNamespace: `TestSuite-${env}`,
      });
      context.sourceStage.addAction(source);
      sourceVersion = source.variables.versionId;
    }

    const handler = context.testHandler();
    handler.addEnvironment(context.endpointName, context.releasePrefix, context.variant.autoScaling !== undefined, access);
    handler.addBuild(project);
    const userParameters: TestJobParameters = { ...rollbackParameters(context), build: { projectName: project.projectName, sourceVersion } };
    return new actions.LambdaInvokeAction({ actionName: 'Test', lambda: handler.function, userParameters: { ...userParameters, ...handler.actionParameters } });
  }
}
