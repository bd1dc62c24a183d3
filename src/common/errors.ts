/*
 * The library's validation error lives in src/errors, below every other
 * folder (the contract and the catalogs throw it too); the construct helpers
 * and tests that import it from here keep doing so.
 */
export { MlopsValidationError, isMlopsValidationError } from '../errors/validation-error';
