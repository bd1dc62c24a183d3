export * from './pipeline/byom-pipeline';
export * from './pipeline/model-artifact';
export * from './pipeline/image/framework';
export * from './pipeline/image/model-image';
export * from './pipeline/environment/environment-props';
export * from './pipeline/environment/pipeline-environment';
