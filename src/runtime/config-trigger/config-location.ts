/**
 * Where a config file came from, as the report names it: the exact object
 * version in the assets bucket, or the repository commit a push delivered.
 */
export type ConfigLocation =
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string; readonly versionId?: string }
  | {
    readonly kind: 'git';
    readonly jobId: string;
    readonly configPath: string;
    /** `owner/name`, when the action's UserParameters say (`repository`). */
    readonly repository?: string;
    readonly branch?: string;
    /** The commit: the input artifact's revision, when CodePipeline gives one. */
    readonly commit?: string;
  };

/** The location in full, for the message body and the log. */
export function describeLocation(location: ConfigLocation): string {
  if (location.kind === 's3') {
    const url = `s3://${location.bucket}/${location.key}`;
    return location.versionId ? `${url} (version ${location.versionId})` : url;
  }
  const repository = location.repository
    ? `${location.repository}${location.branch ? ` (branch ${location.branch})` : ''}`
    : 'the repository';
  const commit = location.commit ? ` at commit ${location.commit}` : ' (commit unknown)';
  return `${location.configPath} in ${repository}${commit}, CodePipeline job ${location.jobId}`;
}

/** A few words for the subject line: the key, or the path at the short commit. */
export function shortLocation(location: ConfigLocation): string {
  if (location.kind === 's3') {
    return location.key;
  }
  const where = location.repository ? `${location.repository}/${location.configPath}` : location.configPath;
  return location.commit ? `${where}@${location.commit.slice(0, 12)}` : where;
}
