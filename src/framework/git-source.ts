/**
 * Where the Git trigger reads `mlops-config.json`: a repository reached
 * through an AWS CodeConnections connection (GitHub, GitLab or Bitbucket).
 */
export interface GitSourceProps {
  /**
   * The ARN of an AWS CodeConnections (formerly CodeStar Connections)
   * connection, already authorized in the console.
   */
  readonly connectionArn: string;

  /** The repository's owner (user, organization or workspace). */
  readonly owner: string;

  /** The repository's name. */
  readonly repository: string;

  /**
   * The branch whose pushes provision pipelines.
   * @default 'main'
   */
  readonly branch?: string;

  /**
   * The config file's path in the repository.
   * @default 'mlops-config.json'
   */
  readonly configPath?: string;
}
