import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { apiAccessLogFormat } from '../apigateway/api-access-log';
import { expectApiGatewayLoggingRole } from '../apigateway/api-gateway-logging-role';
import { protectWithWebAcl } from '../apigateway/api-web-acl';
import { acknowledgeRule } from '../nag/acknowledgements';
import { removeRedundantDependsOn } from '../common/redundant-dependencies';

/** Props of a {@link ProvisioningApi}. */
export interface ProvisioningApiProps {
  /** The handler of every route (API Gateway REST proxy events). */
  readonly handler: lambda.IFunction;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  readonly logRetention: logs.RetentionDays;
  /** A regional AWS WAF web ACL for the stage, if any. */
  readonly webAclArn?: string;
}

/** The routes of the provisioning API: method and path, as the handler matches them. */
export const PROVISIONING_ROUTES: ReadonlyArray<{ readonly method: string; readonly path: string }> = [
  { method: 'GET', path: '/pipelines' },
  { method: 'POST', path: '/pipelines' },
  { method: 'GET', path: '/pipelines/{name}' },
  { method: 'DELETE', path: '/pipelines/{name}' },
  // The v1.0 solution's routes, so its users can migrate.
  { method: 'POST', path: '/provisionpipeline' },
  { method: 'POST', path: '/pipelinestatus' },
];

/**
 * The orchestrator's REST API: IAM-authorized routes that all go to the
 * provisioning handler, with access logs, throttling and, when given, a WAF web ACL.
 */
export class ProvisioningApi extends Construct {
  public readonly restApi: apigateway.RestApi;
  public readonly accessLogs: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: ProvisioningApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    this.accessLogs = accessLogs;
    this.restApi = new apigateway.RestApi(this, 'Api', {
      description: 'Provisions, describes and deletes MLOps pipelines',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: 'v1',
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apiAccessLogFormat(),
        // Errors only, and never bodies: requests name buckets and keys, answers carry stack details.
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: props.throttlingRateLimit,
        throttlingBurstLimit: props.throttlingBurstLimit,
      },
    });
    // The stage refers to its log group (AccessLogSetting), which orders them.
    removeRedundantDependsOn(this);
    expectApiGatewayLoggingRole(this, this.restApi.deploymentStage);
    protectWithWebAcl(this, this.restApi.deploymentStage, props.webAclArn);
    // The methods have no body models: the handler checks bodies and reports
    // every problem at once, which model validation cannot. The validator
    // requires the path parameters.
    const validator = this.restApi.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigateway.LambdaIntegration(props.handler, { proxy: true });
    for (const route of PROVISIONING_ROUTES) {
      const resource = this.restApi.root.resourceForPath(route.path);
      const named = route.path.includes('{name}');
      const method = resource.addMethod(route.method, integration, {
        authorizationType: apigateway.AuthorizationType.IAM,
        requestValidator: validator,
        requestParameters: named ? { 'method.request.path.name': true } : undefined,
      });
      acknowledgeRule(method, 'AwsSolutions-COG4', 'The API uses IAM authorization (SigV4): callers are platform tools and people with AWS credentials granted execute-api:Invoke, not Cognito users');
    }
  }

  /** The URL of the API's stage, ending in `/`. */
  public get url(): string {
    return this.restApi.url;
  }

  /** Lets `grantee` call every route. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.arnForRoutes()],
    });
  }

  /** Lets `grantee` read only: list and describe pipelines. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.arnForRoutes('GET', '/pipelines'), this.arnForRoutes('GET', '/pipelines/*'), this.arnForRoutes('POST', '/pipelinestatus')],
    });
  }

  private arnForRoutes(method = '*', path = '/*'): string {
    return Stack.of(this).formatArn({
      service: 'execute-api',
      resource: this.restApi.restApiId,
      resourceName: `${this.restApi.deploymentStage.stageName}/${method}${path}`,
    });
  }
}
