/**
 * What the model team keeps in its bucket besides the model, uploaded before
 * the first release: the dataset each drift-detecting environment computes
 * its baseline from, and the customer files each batch environment scores.
 * Where they go comes from the environments' deploy specs (what the construct
 * wrote to SSM and the deploy handler reads), not from the example's code.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { churnScore } from './model-stand-in';
import { log } from './report';
import type { EnvironmentDeploySpec } from '../src/contract/deploy-settings';
import { parseS3Uri } from '../src/runtime/s3-uri';

/** Customers in the baseline dataset: enough for statistics worth the name, small enough to read. */
const BASELINE_CUSTOMERS = 40;
/** Customer files under a batch environment's input, and customers in each. */
const SCORING_FILES = 3;
const CUSTOMERS_PER_FILE = 3;
/** The baseline's header: Model Monitor wants the prediction column first, then the model's CSV columns. */
const BASELINE_HEADER = 'churn_score,tenure_months,monthly_charges,support_calls_90d,contract_months';

/**
 * The `i`-th made-up customer, as a CSV row of the model's four columns:
 * tenure (months), monthly charges, support calls in the last 90 days, contract length (months).
 */
function customer(i: number): string {
  const tenure = 1 + ((i * 17) % 72);
  const charges = 20 + ((i * 37) % 100) + ((i * 7) % 10) / 10;
  const calls = (i * 5) % 8;
  const contract = [1, 12, 24][i % 3];
  return `${tenure},${charges.toFixed(1)},${calls},${contract}`;
}

/** Uploads every environment's data, each to where its spec says the handlers will read it. */
export async function uploadTeamData(environments: { readonly [name: string]: EnvironmentDeploySpec }, s3: S3Client): Promise<void> {
  for (const [name, spec] of Object.entries(environments)) {
    if (spec.monitoring) {
      const { baselineDatasetUri, baselineDatasetFormat } = spec.monitoring;
      if (baselineDatasetFormat.kind !== 'csv') {
        throw new Error(`The demo writes CSV baseline datasets, but ${name}'s is ${baselineDatasetFormat.kind}`);
      }
      // A prefix takes every object under it: one file there will do.
      const uri = baselineDatasetUri.endsWith('/') ? `${baselineDatasetUri}baseline.csv` : baselineDatasetUri;
      const rows = Array.from({ length: BASELINE_CUSTOMERS }, (_, i) => customer(i)).map((row) => `${churnScore(row)},${row}`);
      await put(s3, uri, [...(baselineDatasetFormat.header ? [BASELINE_HEADER] : []), ...rows]);
      log(`The team uploaded ${uri}, ${name}'s drift baseline dataset: ${BASELINE_CUSTOMERS} customers, each with the score the model gave them`);
    }
    if (spec.batch) {
      if (spec.batch.contentType !== 'text/csv') {
        throw new Error(`The demo writes CSV customer files, but ${name} transforms ${spec.batch.contentType}`);
      }
      const folder = spec.batch.inputS3Uri.endsWith('/') ? spec.batch.inputS3Uri : `${spec.batch.inputS3Uri}/`;
      for (let file = 0; file < SCORING_FILES; file++) {
        const rows = Array.from({ length: CUSTOMERS_PER_FILE }, (_, i) => customer(BASELINE_CUSTOMERS + file * CUSTOMERS_PER_FILE + i));
        await put(s3, `${folder}customers-${file + 1}.csv`, rows);
      }
      log(`The team uploaded ${SCORING_FILES} files of ${CUSTOMERS_PER_FILE} customers each (CSV rows of the model's four columns) `
        + `under ${folder}, the input the ${name} environment scores with each release`);
    }
  }
}

async function put(s3: S3Client, uri: string, lines: string[]): Promise<void> {
  const { bucket, key } = parseS3Uri(uri);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${lines.join('\n')}\n`, ContentType: 'text/csv' }));
}
