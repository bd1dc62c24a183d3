// The Git / file trigger's handler (mlops-config.json from a repository or config/ in the assets bucket); being written for #4.
export async function handler(): Promise<void> {
  throw new Error('Not implemented yet');
}
