/**
 * Imported first by run.ts: fake credentials, a fixed region and no AWS
 * profile or metadata probing before any module makes an SDK client or a
 * logger (the handlers' loggers read MLOPS_LOG_LEVEL when created), so no
 * call the bench makes can reach a real AWS account, and handler logs stay quiet.
 */
import { isolateFromRealAws } from '../test/harness/global-setup';

isolateFromRealAws();
