import { readFileSync } from 'fs';
import * as path from 'path';
import { ROOT } from './child';
import { Figure, under } from './figure';
import { round } from './samples';
import type { SynthesizedTemplate } from './synth-time';
import { BLUEPRINT_DIRECTORY, blueprintFileName } from '../src/framework/blueprint/blueprint-files';
import { blueprintShapes, parseShape } from '../src/blueprint/blueprint-parameters';

/** CloudFormation's most resources in one stack. */
const MAX_RESOURCES = 500;
/**
 * CloudFormation's largest template body in an S3 object ("1 MB" in its
 * quotas), read as 1,000,000 bytes: the stricter reading, and the one
 * aws-cdk-lib's own template-size warning uses.
 */
const MAX_TEMPLATE_BYTES = 1_000_000;

/** The headroom the issue asks of a three-environment pipeline stack and of the framework stack, in percent of each limit. */
const RESOURCE_GOAL_PERCENT = 25;
const SIZE_GOAL_PERCENT = 15;

/** A template's two fractions. `headroom` goals apply the bars; the others only ask that it deploys at all. */
function limitFigures(group: string, name: string, template: SynthesizedTemplate, headroom: boolean): Figure[] {
  const resourcePercent = round((100 * template.resources) / MAX_RESOURCES, 1);
  const sizePercent = round((100 * template.templateBytes) / MAX_TEMPLATE_BYTES, 1);
  return [
    {
      group,
      name: `${name}: resources`,
      value: resourcePercent,
      unit: `% of ${MAX_RESOURCES}`,
      ...(headroom ? under(RESOURCE_GOAL_PERCENT, resourcePercent, `< ${RESOURCE_GOAL_PERCENT}%`) : under(100, resourcePercent, '< 100% (deploys)')),
      detail: { resources: template.resources },
    },
    {
      group,
      name: `${name}: template size`,
      value: sizePercent,
      unit: '% of 1 MB',
      ...(headroom ? under(SIZE_GOAL_PERCENT, sizePercent, `< ${SIZE_GOAL_PERCENT}%`) : under(100, sizePercent, '< 100% (deploys)')),
      detail: { bytes: template.templateBytes },
    },
  ];
}

/** The synthesized stacks' fractions of CloudFormation's limits (their template files as the CDK CLI uploads them). */
export function stackLimitFigures(templates: Record<'pipeline' | 'churn' | 'framework', SynthesizedTemplate>): Figure[] {
  return [
    ...limitFigures('templates', 'pipeline stack, 3 environments', templates.pipeline, true),
    ...limitFigures('templates', 'MlopsFramework stack', templates.framework, true),
    ...limitFigures('templates', 'ChurnModel stack (4 environments: drift detection, batch)', templates.churn, false),
  ];
}

/**
 * The same fractions for every blueprint template the orchestrator deploys
 * (assets/blueprints/, as built and uploaded). A three-environment shape is a
 * three-environment pipeline stack, so it gets the same bars; the others
 * must fit.
 */
export function blueprintLimitFigures(): Figure[] {
  return blueprintShapes().flatMap((shape) => {
    const file = path.join(ROOT, BLUEPRINT_DIRECTORY, blueprintFileName(shape));
    const body = readFileSync(file);
    const template = JSON.parse(body.toString('utf-8')) as { Resources: Record<string, unknown> };
    const measured = { resources: Object.keys(template.Resources).length, templateBytes: body.length };
    return limitFigures('blueprints', `blueprint ${shape}`, measured, parseShape(shape).environments === 3);
  });
}
