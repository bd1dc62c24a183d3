export * from './pipeline/access/environment-access';
export * from './pipeline/byom-pipeline';
export * from './pipeline/model-artifact';
export * from './pipeline/image/framework';
export * from './pipeline/image/model-image';
export * from './pipeline/environment/environment-props';
export * from './pipeline/batch/batch-props';
export * from './pipeline/data/data-location';
export * from './pipeline/monitoring/monitoring-props';
export * from './pipeline/environment/pipeline-environment';
export * from './pipeline/environment/traffic-shift';
export * from './pipeline/notifications/notification-props';
export * from './pipeline/notifications/pipeline-notifications';
export * from './pipeline/share/inference-api';
export * from './pipeline/integration-tests/integration-tests';
export * from './pipeline/training/training-image';
export * from './pipeline/training/training-props';
export * from './pipeline/training/training-pipeline';
export * from './framework/git-source';
export * from './framework/mlops-framework';
export * from './framework/mlops-framework-props';
export * from './errors/mlops-errors';
// For TypeScript only (`instanceof`, the type MlopsErrors.isValidationError
// narrows to): jsii cannot export a class that extends Error to other languages.
export { MlopsValidationError } from './errors/validation-error';
