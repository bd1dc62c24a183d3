import { PROVISION_SETTINGS_VARIABLE, ProvisionSettings } from '../../contract/provision-settings';

/** The construct wrote settings this handler cannot use: a deployment fault, answered as a 500. */
export class ProvisionSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisionSettingsError';
  }
}

const REQUIRED_STRINGS = ['stackPrefix', 'assetsBucket', 'cloudFormationRoleArn', 'topicArn'] as const;

/** Reads and checks the settings the MlopsFramework construct passes in `MLOPS_PROVISION_SETTINGS`. */
export function readProvisionSettings(env: NodeJS.ProcessEnv = process.env): ProvisionSettings {
  const raw = env[PROVISION_SETTINGS_VARIABLE];
  if (!raw) {
    throw new ProvisionSettingsError(`The provisioning handler has no ${PROVISION_SETTINGS_VARIABLE} environment variable`);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new ProvisionSettingsError(`${PROVISION_SETTINGS_VARIABLE} is not valid JSON`);
  }
  const missing: string[] = REQUIRED_STRINGS.filter((key) => typeof parsed?.[key] !== 'string' || parsed[key] === '');
  if (typeof parsed?.blueprintUrls !== 'object' || parsed.blueprintUrls === null) {
    missing.push('blueprintUrls');
  }
  if (typeof parsed?.sharedHandlers !== 'object' || parsed.sharedHandlers === null) {
    missing.push('sharedHandlers');
  }
  if (missing.length > 0) {
    throw new ProvisionSettingsError(`${PROVISION_SETTINGS_VARIABLE} lacks ${missing.join(', ')}`);
  }
  return parsed as unknown as ProvisionSettings;
}
