import { RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { INFERENCE_API_STAGE, inferenceApiName } from './inference-api-naming';
import { apiAccessLogFormat } from '../../apigateway/api-access-log';
import { expectApiGatewayLoggingRole } from '../../apigateway/api-gateway-logging-role';
import { WEB_ACL_PATTERN, protectWithWebAcl } from '../../apigateway/api-web-acl';
import { ProblemCollector } from '../../common/problem-collector';
import { removeRedundantDependsOn } from '../../common/redundant-dependencies';
import { ENDPOINT_STAGE_VARIABLE, NOT_SHARED, NOT_SHARED_ENDPOINT, NOT_SHARED_MESSAGE } from '../../contract/share-settings';
import { acknowledgeRule } from '../../nag/acknowledgements';

/** How callers of an inference API prove who they are. */
export class InferenceApiAuth {
  /**
   * Callers sign requests with SigV4 and need `execute-api:Invoke` on the
   * method (see `InferenceApi.grantInvoke`).
   */
  public static iam(): InferenceApiAuth {
    return new InferenceApiAuth(apigateway.AuthorizationType.IAM, false);
  }

  /**
   * Callers send an API key in the `x-api-key` header. The construct creates
   * the key and a usage plan on the API's stage with the API's throttling;
   * read the key's value with `aws apigateway get-api-key --include-value`.
   * An API key identifies a client, it does not authenticate one: prefer IAM.
   */
  public static apiKey(): InferenceApiAuth {
    return new InferenceApiAuth(apigateway.AuthorizationType.NONE, true);
  }

  /** The method's authorization type. */
  public readonly authorizationType: apigateway.AuthorizationType;
  /** Whether the method requires an API key. */
  public readonly apiKeyRequired: boolean;

  private constructor(authorizationType: apigateway.AuthorizationType, apiKeyRequired: boolean) {
    this.authorizationType = authorizationType;
    this.apiKeyRequired = apiKeyRequired;
  }
}

/** Props of an {@link InferenceApi}. */
export interface InferenceApiProps {
  /** The SageMaker endpoint the API sends requests to. */
  readonly endpointName: string;

  /**
   * The REST API's name.
   * @default `${endpointName}-inference`
   */
  readonly restApiName?: string;

  /**
   * How callers authenticate.
   * @default InferenceApiAuth.iam()
   */
  readonly auth?: InferenceApiAuth;

  /**
   * Steady-state requests per second the stage accepts (and the usage plan, with API keys).
   * @default 100
   */
  readonly throttlingRateLimit?: number;

  /**
   * Requests the stage accepts in a burst above the rate.
   * @default 200
   */
  readonly throttlingBurstLimit?: number;

  /**
   * How long the access logs are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Content types sent to the model as binary (for example `image/jpeg`).
   * @default - none: payloads are passed through as text
   */
  readonly binaryMediaTypes?: string[];

  /**
   * Whether to create the role API Gateway writes logs with and set it on the
   * account. That setting is one per account and region, shared by every API:
   * most accounts already have it, and two stacks (or two APIs in one stack)
   * that both set it fight over it. Set this on one API only, in an account that
   * has no role yet; the role is retained when the stack is deleted, so other
   * APIs keep logging.
   * @default false - API Gateway uses the account's existing logging role (access and error logs need one)
   */
  readonly cloudWatchRole?: boolean;

  /**
   * A regional AWS WAF web ACL to associate with the API's stage.
   * @default - no web ACL
   */
  readonly webAclArn?: string;

  /**
   * Create the SSM parameter a share handler records each shared release in
   * (`releaseParameter`). Off for an API whose releases are recorded
   * elsewhere: the API of an environment in another account, whose record
   * the pipeline keeps in its own account.
   * @default true
   */
  readonly releaseRecord?: boolean;

  /**
   * Call the endpoint only once a share makes the API live: until then the
   * stage's `endpoint` variable names a placeholder and the API answers 503,
   * and each share sets it to the endpoint (`UpdateStage`). Pipelines set this,
   * so an environment's API never serves a release its tests have not passed.
   * Off, the API calls the endpoint as soon as it exists.
   * @default false
   */
  readonly liveOnShare?: boolean;
}

const ENDPOINT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** API Gateway's default account-level limits: a stage cannot go above them. */
const MAX_RATE = 10_000;
const MAX_BURST = 5_000;


/**
 * The response template of an API that goes live on share, for the answers
 * SageMaker gives the placeholder: 503 "not shared yet" while the stage's
 * `endpoint` variable still names the placeholder, SageMaker's own answer
 * (under the integration response's status) once a share has named the
 * endpoint. The decision is the API's own knowledge, the stage variable,
 * never the wording of SageMaker's message, which AWS does not document.
 */
const NOT_SHARED_TEMPLATE = [
  `#if($stageVariables.${ENDPOINT_STAGE_VARIABLE} == "${NOT_SHARED_ENDPOINT}")`,
  '#set($context.responseOverride.status = 503)',
  '#set($context.responseOverride.header.Content-Type = "application/json")',
  `{"message": "${NOT_SHARED_MESSAGE}"}`,
  '#else',
  '$input.body',
  '#end',
].join('\n');

/**
 * An environment's inference API: a regional REST API whose `POST /invocations`
 * is an AWS service integration straight to the SageMaker runtime's
 * InvokeEndpoint (no Lambda in the request path), through a role that may
 * invoke this one endpoint only.
 *
 * Going live. With `liveOnShare` (as every pipeline environment's API has
 * it), the integration calls the endpoint its stage's `endpoint` variable
 * names. CloudFormation creates the stage with a placeholder the API's role
 * may not invoke, so until the first share the API answers
 * `503 {"message": "The model has not been shared to this environment yet"}`,
 * even while the first release's tests run. The share handler then sets the
 * variable to the environment's endpoint. CloudFormation updates a stage by
 * the difference between the old and new templates, and the template never
 * changes the variable, so later stack updates leave a live API live. The
 * role may invoke the environment's endpoint only, whatever the variable says.
 * Each share also records the release behind the API (model, image, endpoint
 * config, pipeline execution, time) in `releaseParameter`.
 *
 * Without `liveOnShare`, the integration names the endpoint itself, and
 * until the endpoint exists callers get SageMaker's own answer (a 400 that
 * names the missing endpoint): such an API has nothing of its own that says
 * whether the endpoint exists yet.
 */
export class InferenceApi extends Construct {
  /** The REST API. */
  public readonly restApi: apigateway.RestApi;
  /** The URL to POST inference requests to. */
  public readonly url: string;
  /** The SageMaker endpoint the API calls. */
  public readonly endpointName: string;
  /** Whether the API calls the endpoint only once a share makes it live. */
  public readonly liveOnShare: boolean;
  /**
   * The SSM parameter holding the shared release's record, as JSON.
   * @default - none when `releaseRecord` is false
   */
  public readonly releaseParameter?: ssm.IStringParameter;
  /** The access log group. */
  public readonly accessLogs: logs.ILogGroup;
  /**
   * The API key callers send.
   * @default - none unless `auth` is `InferenceApiAuth.apiKey()`
   */
  public readonly apiKey?: apigateway.IApiKey;
  /**
   * The usage plan that throttles API-key callers.
   * @default - none unless `auth` is `InferenceApiAuth.apiKey()`
   */
  public readonly usagePlan?: apigateway.UsagePlan;
  private readonly method: apigateway.Method;

  constructor(scope: Construct, id: string, props: InferenceApiProps) {
    super(scope, id);
    const problems = new ProblemCollector('InferenceApi');
    problems.matches(props.endpointName, ENDPOINT_NAME_PATTERN, 'endpointName', 'is not a SageMaker endpoint name (1-63 letters, digits and hyphens)');
    checkLimit(problems, props.throttlingRateLimit, MAX_RATE, 'throttlingRateLimit', false);
    checkLimit(problems, props.throttlingBurstLimit, MAX_BURST, 'throttlingBurstLimit', true);
    problems.matches(props.webAclArn, WEB_ACL_PATTERN, 'webAclArn', 'is not a regional WAFv2 web ACL ARN');
    problems.throwIfAny();

    this.endpointName = props.endpointName;
    this.liveOnShare = props.liveOnShare ?? false;
    const stack = Stack.of(this);
    const auth = props.auth ?? InferenceApiAuth.iam();
    const rateLimit = props.throttlingRateLimit ?? 100;
    const burstLimit = props.throttlingBurstLimit ?? 200;

    removeRedundantDependsOn(this);
    this.releaseParameter = props.releaseRecord === false ? undefined : new ssm.StringParameter(this, 'Release', {
      description: `The release shared through the inference API of endpoint ${props.endpointName}`,
      // Written once by CloudFormation; the share handler owns the value afterwards.
      // CloudFormation only rewrites it if this resource's properties change.
      stringValue: JSON.stringify(NOT_SHARED),
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR });
    this.accessLogs = accessLogs;
    this.restApi = new apigateway.RestApi(this, 'Api', {
      restApiName: props.restApiName ?? inferenceApiName(props.endpointName),
      description: `Inference on SageMaker endpoint ${props.endpointName}`,
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      binaryMediaTypes: props.binaryMediaTypes,
      cloudWatchRole: props.cloudWatchRole ?? false,
      cloudWatchRoleRemovalPolicy: props.cloudWatchRole ? RemovalPolicy.RETAIN : undefined,
      deployOptions: {
        stageName: INFERENCE_API_STAGE,
        variables: props.liveOnShare ? { [ENDPOINT_STAGE_VARIABLE]: NOT_SHARED_ENDPOINT } : undefined,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apiAccessLogFormat(),
        // Errors only, and never request or response bodies: payloads may be personal data.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: rateLimit,
        throttlingBurstLimit: burstLimit,
      },
    });

    // Its access and error logs need the account's logging role: the stage waits for
    // the stack's, or synthesis warns when the stack sets none.
    expectApiGatewayLoggingRole(this, this.restApi.deploymentStage);

    // SageMaker writes endpoint names in lower case in its ARNs.
    const endpointArn = stack.formatArn({
      service: 'sagemaker', resource: 'endpoint', resourceName: props.endpointName.toLowerCase(),
    });
    const role = new iam.Role(this, 'InvokeRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: `Lets the inference API invoke SageMaker endpoint ${props.endpointName}, and nothing else`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sagemaker:InvokeEndpoint'], resources: [endpointArn] }));

    const contentType = { 'method.response.header.Content-Type': 'integration.response.header.Content-Type' };
    // Before the first share the placeholder is all SageMaker is asked about:
    // it refuses the API's role (403), or, should it look for the endpoint
    // first, answers that none exists (400). Either is "not shared yet".
    const notShared = props.liveOnShare ? { responseTemplates: { 'application/json': NOT_SHARED_TEMPLATE } } : {};
    const integration = new apigateway.AwsIntegration({
      service: 'runtime.sagemaker',
      // Live on share: the stage variable names the endpoint once a share sets it.
      path: `endpoints/${props.liveOnShare ? `\${stageVariables.${ENDPOINT_STAGE_VARIABLE}}` : props.endpointName}/invocations`,
      integrationHttpMethod: 'POST',
      options: {
        credentialsRole: role,
        // Payloads are the model's business (JSON, CSV, images): passed through as they are.
        passthroughBehavior: apigateway.PassthroughBehavior.WHEN_NO_TEMPLATES,
        requestParameters: {
          'integration.request.header.Content-Type': 'method.request.header.Content-Type',
          'integration.request.header.Accept': 'method.request.header.Accept',
        },
        integrationResponses: [
          { statusCode: '200', responseParameters: contentType },
          { selectionPattern: '400', statusCode: '400', responseParameters: contentType, ...notShared },
          // The API's own role was refused: before the first share (the
          // placeholder), or, once shared, a misconfiguration: the API's fault, not the caller's.
          { selectionPattern: '403', statusCode: '502', responseParameters: contentType, ...notShared },
          // The model container itself answered with an error.
          { selectionPattern: '424', statusCode: '424', responseParameters: contentType },
          { selectionPattern: '429', statusCode: '429', responseParameters: contentType },
          // Every other 4xx; Java regex, disjoint from the patterns above.
          { selectionPattern: '4(0[124-9]|1\\d|2[0-35-8]|[3-9]\\d)', statusCode: '400', responseParameters: contentType },
          { selectionPattern: '5\\d{2}', statusCode: '502', responseParameters: contentType },
        ],
      },
    });
    // Body validation has nothing to check (no model: payloads are the model's
    // own format), so the validator's real check is the required Content-Type,
    // which SageMaker needs to hand the payload to the container.
    const requestValidator = this.restApi.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.method = this.restApi.root.addResource('invocations').addMethod('POST', integration, {
      authorizationType: auth.authorizationType,
      apiKeyRequired: auth.apiKeyRequired,
      requestValidator,
      requestParameters: {
        'method.request.header.Content-Type': true,
        'method.request.header.Accept': false,
      },
      methodResponses: ['200', '400', '424', '429', '502', '503'].map((statusCode) => ({
        statusCode,
        responseParameters: { 'method.response.header.Content-Type': true },
      })),
    });
    this.url = this.restApi.urlForPath('/invocations');

    if (auth.apiKeyRequired) {
      this.apiKey = this.restApi.addApiKey('ApiKey', { description: `Calls the inference API of endpoint ${props.endpointName}` });
      this.usagePlan = this.restApi.addUsagePlan('UsagePlan', {
        description: `Callers of the inference API of endpoint ${props.endpointName}`,
        throttle: { rateLimit, burstLimit },
        apiStages: [{ api: this.restApi, stage: this.restApi.deploymentStage }],
      });
      this.usagePlan.addApiKey(this.apiKey);
      acknowledgeRule(this.method, 'AwsSolutions-APIG4', 'The API was configured for API keys (InferenceApiAuth.apiKey()): every request must carry the key, and the usage plan throttles it');
      acknowledgeRule(this.method, 'AwsSolutions-COG4', 'The API was configured for API keys rather than a Cognito user pool; the callers are services, not users');
    } else {
      acknowledgeRule(this.method, 'AwsSolutions-COG4', 'The API uses IAM authorization (SigV4): callers are AWS principals granted execute-api:Invoke on this method, not Cognito users');
    }

    protectWithWebAcl(this, this.restApi.deploymentStage, props.webAclArn);
    if (props.cloudWatchRole) {
      acknowledgeRule(this.restApi, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        'The account-wide API Gateway logging role that cloudWatchRole: true asked for; AWS maintains its policy');
    }
  }

  /**
   * Lets `grantee` call the API: `execute-api:Invoke` on `POST /invocations`
   * of this API's stage, and nothing else (not the SageMaker endpoint itself).
   * @param grantee who may invoke the model through the API
   */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.restApi.arnForExecuteApi('POST', '/invocations', this.restApi.deploymentStage.stageName)],
    });
  }

  /**
   * A metric of the API's stage (namespace `AWS/ApiGateway`).
   * @param metricName e.g. `Count`, `Latency`, `IntegrationLatency`, `4XXError`
   * @default - sum over 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stage.metric(metricName, { statistic: 'Sum', ...props });
  }

  /**
   * Requests the API received.
   * @default - sum over 5 minutes
   */
  public metricCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    // The stage's own default is SampleCount; each request counts 1, so the two agree.
    return this.stage.metricCount({ statistic: 'Sum', ...props });
  }

  /**
   * Time from request to response, including SageMaker's, in milliseconds.
   * @default - average over 5 minutes
   */
  public metricLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stage.metricLatency(props);
  }

  /**
   * Time API Gateway waited for SageMaker, in milliseconds.
   * @default - average over 5 minutes
   */
  public metricIntegrationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stage.metricIntegrationLatency(props);
  }

  /**
   * 4XX answers: bad requests, throttled or unauthorized callers, and the model's own 4XX answers.
   * @default - sum over 5 minutes
   */
  public metricClientError(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stage.metricClientError(props);
  }

  /**
   * 5XX answers, including the 503 before the first share.
   * @default - sum over 5 minutes
   */
  public metricServerError(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stage.metricServerError(props);
  }

  /**
   * 4XX answers.
   * @default - sum over 5 minutes
   * @deprecated use `metricClientError`, named as `apigateway.Stage` names it
   */
  public metricClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricClientError(props);
  }

  /**
   * 5XX answers.
   * @default - sum over 5 minutes
   * @deprecated use `metricServerError`, named as `apigateway.Stage` names it
   */
  public metricServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricServerError(props);
  }

  private get stage(): apigateway.Stage {
    return this.restApi.deploymentStage;
  }
}

function checkLimit(problems: ProblemCollector, value: number | undefined, max: number, path: string, whole: boolean): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  const ok = value > 0 && value <= max && (!whole || Number.isInteger(value));
  problems.check(ok, path, `must be ${whole ? 'a whole number ' : ''}above 0 and at most ${max} (API Gateway's account default), got ${value}`);
}
