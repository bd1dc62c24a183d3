import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isNotFound } from './aws-errors';
import { MODEL_PACKAGE_VERSION_ARN } from '../config/model-package-arns';
import type { ModelPackageGroupSpec } from '../contract/deploy-settings';

/*
 * A registry pipeline releases exactly the package version its execution
 * names, and only one that may be released: a version of the pipeline's own
 * group (same name, account and region) that is Approved and whose creation
 * completed. The check runs before anything of the release is created, so a
 * refused package leaves nothing behind.
 */

/** What the release may do with the package it was asked to release. */
export type PackageVerdict =
  | { readonly kind: 'releasable'; readonly packageArn: string }
  | { readonly kind: 'refused'; readonly message: string };

/**
 * Whether `packageArn` names an Approved, completed version of `group`.
 * AWS errors other than "no such package" are thrown, so a transient one is retried.
 */
export async function checkModelPackage(packageArn: string, group: ModelPackageGroupSpec, sagemaker: SageMakerClient): Promise<PackageVerdict> {
  const refused = (why: string): PackageVerdict => ({
    kind: 'refused',
    message: `Model package ${packageArn} cannot be released from group ${group.name} (account ${group.account}, ${group.region}): ${why}; nothing was created`,
  });
  const parts = MODEL_PACKAGE_VERSION_ARN.exec(packageArn);
  if (!parts) {
    return refused('it is not the ARN of a model package version (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)');
  }
  const [, region, account, groupInArn] = parts;
  // SageMaker writes names in lower case in its ARNs.
  if (account !== group.account || region !== group.region || groupInArn.toLowerCase() !== group.name.toLowerCase()) {
    return refused(`it is a version of group ${groupInArn} in account ${account}, ${region}`);
  }
  let described;
  try {
    described = await sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: packageArn }));
  } catch (err) {
    if (isNotFound(err)) {
      return refused('no such model package');
    }
    throw err;
  }
  // A group known by its ARN has the lower-case name the ARN carries; SageMaker answers with the name as created.
  if (described.ModelPackageGroupName?.toLowerCase() !== group.name.toLowerCase()) {
    return refused(`SageMaker says it belongs to group ${described.ModelPackageGroupName ?? '(none)'}`);
  }
  if (described.ModelApprovalStatus !== 'Approved') {
    return refused(`its approval status is ${described.ModelApprovalStatus ?? 'not set'}, not Approved`);
  }
  if (described.ModelPackageStatus !== 'Completed') {
    return refused(`its status is ${described.ModelPackageStatus}, not Completed`);
  }
  return { kind: 'releasable', packageArn: described.ModelPackageArn ?? packageArn };
}
