import { ExpectedResult, IApiCall, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { Duration } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';

/**
 * Waits until the manual approval action of `stageName` waits for a decision,
 * then approves it, as a person in the console would.
 * @returns the approval, for further assertions to follow
 */
export function approveStage(integ: IntegTest, pipeline: codepipeline.Pipeline, stageName: string, summary: string, timeout: Duration): IApiCall {
  const stageIndex = pipeline.stages.findIndex((stage) => stage.stageName === stageName);
  const actions = stageIndex < 0 ? [] : pipeline.stages[stageIndex].actions;
  const actionIndex = actions.findIndex((action) => action.actionProperties.category === codepipeline.ActionCategory.APPROVAL);
  if (actionIndex < 0) {
    throw new Error(`Pipeline ${pipeline.node.path} has no manual approval in a stage named ${stageName}`);
  }
  // GetPipelineState lists stages and their actions in the pipeline's order.
  // The token is there only while the approval is open; reading it through
  // assertAtPath (not expect) matters: getAttString flattens the response,
  // and expect() would then compare against nothing.
  const tokenPath = `stageStates.${stageIndex}.actionStates.${actionIndex}.latestExecution.token`;
  const state = integ.assertions
    .awsApiCall('CodePipeline', 'getPipelineState', { name: pipeline.pipelineName })
    .assertAtPath(tokenPath, ExpectedResult.stringLikeRegexp('.+'))
    .waitForAssertions({ totalTimeout: timeout, interval: Duration.seconds(30) });
  const approve = integ.assertions.awsApiCall('CodePipeline', 'putApprovalResult', {
    pipelineName: pipeline.pipelineName,
    stageName,
    actionName: actions[actionIndex].actionProperties.actionName,
    result: { summary, status: 'Approved' },
    token: state.getAttString(tokenPath),
  });
  return state.next(approve);
}
