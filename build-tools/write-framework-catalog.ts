/**
 * Writes src/catalog/framework-images.generated.ts, the framework catalog's
 * data, from the image URI tables of the SageMaker SDK wheel pinned in
 * test/harness/sagemaker-tables.txt (needs the wheel: `npx projen python-tools`).
 * Run after changing the pin:
 *   npx projen framework-catalog
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { FRAMEWORK_IMAGES_FILE, frameworkImagesText } from './framework-image-tables';

const target = join(__dirname, '..', FRAMEWORK_IMAGES_FILE);
writeFileSync(target, frameworkImagesText());
process.stdout.write(`wrote ${target}\n`);
