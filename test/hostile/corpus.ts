/** The JSON bodies of the bad-input corpus, by area; each area's file says what it covers. */
import { BATCH_AND_MONITORING_CASES } from './batch-monitoring-requests';
import { ENVIRONMENT_CASES } from './environment-requests';
import { HostileCase } from './hostile-case';
import { TOP_LEVEL_CASES } from './top-level-requests';
import { V1_CASES } from './v1-requests';

export const API_CASES: readonly HostileCase[] = [...TOP_LEVEL_CASES, ...ENVIRONMENT_CASES, ...BATCH_AND_MONITORING_CASES, ...V1_CASES];
