/**
 * The tag the deploy and test handlers put on the scalable target of an
 * endpoint's variant when they register it, valued with the endpoint's name.
 * Application Auto Scaling names scalable targets with IDs it generates, so no
 * ARN known at synthesis names an environment's target: the handlers' roles
 * may register a target only with this tag, and deregister or change the
 * scaling of only the targets that carry it with their endpoint's name.
 * Plain TypeScript: the construct and the handlers share it.
 */
export const SCALING_TAG = 'mlops:endpoint';
