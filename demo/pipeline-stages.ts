/**
 * The synthesized CodePipeline, read back from the template: its stages in
 * order and, for each action, what the demo has to run for it. The demo runs
 * what the construct synthesized, not a copy of its stage list, so a stage
 * the construct adds, drops or reorders shows up here.
 */
import { CfnElement, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LocalStack } from './local-stack';
import { DeployFunction } from '../src/pipeline/deploy/deploy-function';
import { ShareFunction } from '../src/pipeline/share/share-function';
import { TestFunction } from '../src/pipeline/integration-tests/test-function';

/** The handlers behind the pipeline's Lambda invoke actions. */
export type HandlerKind = 'deploy' | 'test' | 'share';

/** One action of the pipeline, in the order CodePipeline runs it. */
export type PipelineAction =
  | { readonly kind: 'source'; readonly stage: string; readonly namespace?: string; readonly bucket: string; readonly key: string }
  | { readonly kind: 'approval'; readonly stage: string; readonly environment: string; readonly message: string }
  | {
    readonly kind: 'invoke';
    readonly stage: string;
    readonly environment: string;
    readonly handler: HandlerKind;
    /** Logical ID of the function CodePipeline invokes. */
    readonly functionId: string;
    readonly namespace?: string;
    /** As configured, with `#{namespace.Variable}` references still in it. */
    readonly userParameters: string;
  };

/** The actions of the stack's one pipeline, stage by stage. */
export function pipelineActions(stack: Stack, template: any, local: LocalStack): PipelineAction[] {
  const pipelines = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::CodePipeline::Pipeline');
  if (pipelines.length !== 1) {
    throw new Error(`Expected one pipeline in stack ${stack.stackName}, found ${pipelines.length}`);
  }
  const handlers = handlerFunctions(stack);
  return pipelines[0].Properties.Stages.flatMap((stage: any) =>
    [...stage.Actions]
      .sort((a: any, b: any) => (a.RunOrder ?? 1) - (b.RunOrder ?? 1))
      .map((action: any) => toAction(stage.Name, action, handlers, local)));
}

function toAction(stage: string, action: any, handlers: Map<string, HandlerKind>, local: LocalStack): PipelineAction {
  const type = `${action.ActionTypeId.Category}/${action.ActionTypeId.Provider}`;
  const configuration = local.resolve(action.Configuration ?? {});
  switch (type) {
    case 'Source/S3':
      return { kind: 'source', stage, namespace: action.Namespace, bucket: configuration.S3Bucket, key: configuration.S3ObjectKey };
    case 'Approval/Manual':
      return { kind: 'approval', stage, environment: environmentOf(stage), message: configuration.CustomData ?? '' };
    case 'Invoke/Lambda': {
      const functionId = action.Configuration.FunctionName?.Ref;
      const handler = handlers.get(functionId);
      if (!handler) {
        throw new Error(`Stage ${stage} invokes ${functionId}, which is none of the pipeline's deploy, test or share functions`);
      }
      return {
        kind: 'invoke',
        stage,
        environment: environmentOf(stage),
        handler,
        functionId,
        namespace: action.Namespace,
        userParameters: configuration.UserParameters ?? '',
      };
    }
    default:
      // CodeBuild (container builds, CodeBuild test suites) needs a build service the emulator does not have.
      throw new Error(`Stage ${stage} has a ${type} action, which the demo cannot run locally`);
  }
}

/** `Deploy-dev` -> `dev`: the construct names each environment's stages `<Stage>-<environment>`. */
function environmentOf(stage: string): string {
  const dash = stage.indexOf('-');
  return dash < 0 ? stage : stage.slice(dash + 1);
}

/** Logical ID -> handler, from the construct tree (the template alone does not say which code a function runs). */
function handlerFunctions(stack: Stack): Map<string, HandlerKind> {
  const kinds = new Map<string, HandlerKind>();
  for (const construct of stack.node.findAll()) {
    const kind = handlerKind(construct);
    if (kind) {
      kinds.set(stack.getLogicalId(construct.node.defaultChild as CfnElement), kind);
    }
  }
  return kinds;
}

function handlerKind(construct: IConstruct): HandlerKind | undefined {
  if (construct instanceof DeployFunction) return 'deploy';
  if (construct instanceof TestFunction) return 'test';
  if (construct instanceof ShareFunction) return 'share';
  return undefined;
}
