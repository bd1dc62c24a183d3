/**
 * The emulator cannot run the XGBoost model: moto's InvokeEndpoint answers
 * from a queue of canned results (`/moto-api/static/sagemaker/endpoint-results`,
 * one taken per request it has not seen before) and answers a request it has
 * seen the way it did then. So the demo stands in for the trained churn
 * model: before requests reach an endpoint, it queues what the model would
 * answer to each of them, computed from the request. The test handler then
 * checks those answers exactly as it would a real endpoint's. (A batch
 * transform's output is written the same way: see transform-stand-in.ts.)
 */
import { createHash } from 'crypto';
import { InvokeEndpointCommandInput, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';

/** A request the model will receive: what its answer depends on. */
export interface ModelRequest {
  readonly body: string;
  readonly accept?: string;
}

/** The model's answer, as an endpoint returns it. */
export interface ModelAnswer {
  readonly body: string;
  readonly contentType: string;
}

/**
 * The weights of a small logistic model over the example's CSV columns
 * (tenure in months, monthly charges, support calls in the last 90 days,
 * contract length in months): new, expensive, unhappy customers on short
 * contracts churn.
 */
const INTERCEPT = 0.5;
const WEIGHTS = [-0.06, 0.015, 0.45, -0.12];

/** The churn probability of one CSV row, to three decimals to keep the output short. */
export function churnScore(row: string): number {
  const features = row.split(',').map(Number);
  if (features.length !== WEIGHTS.length || features.some((f) => !Number.isFinite(f))) {
    throw new Error(`The stand-in model reads ${WEIGHTS.length} numeric CSV columns, got ${JSON.stringify(row)}`);
  }
  const z = features.reduce((sum, feature, i) => sum + feature * WEIGHTS[i], INTERCEPT);
  return Math.round(1000 / (1 + Math.exp(-z))) / 1000;
}

/**
 * What the SageMaker XGBoost container answers for CSV rows: one score per
 * row, as `{"predictions":[{"score":...}]}` when JSON is asked for, one
 * `{"score":...}` line per row for JSON Lines (a batch transform's output),
 * else CSV. A broken model (a bad release, to show a Test stage stopping it)
 * scores every customer the wrong way round; its JSON Lines scores are
 * percentages, out of a probability's range, since a batch environment's
 * check bounds each score but cannot know which customer should churn.
 */
export function answer(request: ModelRequest, broken = false): ModelAnswer {
  const rows = request.body.trim().split('\n');
  if (request.accept === 'application/jsonlines') {
    const lines = rows.map((row) => JSON.stringify({ score: broken ? Math.round(1000 * churnScore(row)) / 10 : churnScore(row) }));
    return { body: lines.map((line) => `${line}\n`).join(''), contentType: 'application/jsonlines' };
  }
  const scores = rows.map((row) => {
    const score = churnScore(row);
    return broken ? Math.round(1000 * (1 - score)) / 1000 : score;
  });
  if (request.accept === 'application/json') {
    return { body: JSON.stringify({ predictions: scores.map((score) => ({ score })) }), contentType: 'application/json' };
  }
  return { body: scores.join('\n'), contentType: 'text/csv' };
}

export class StandInModel {
  private tag = 'none';

  constructor(private readonly emulatorEndpoint: string) {}

  /**
   * Makes `client` send each request with an InferenceId (SageMaker's own
   * field for correlating requests) made of the current tag and the
   * endpoint's name. moto remembers answers by body, Accept and such headers,
   * but not by endpoint; with this, each endpoint in each release gets the
   * answers queued for it instead of ones remembered from another.
   */
  public tagRequests(client: SageMakerRuntimeClient): void {
    client.middlewareStack.add((next) => async (args) => {
      const input = args.input as InvokeEndpointCommandInput;
      // A digest: SageMaker allows 64 characters, an endpoint name alone may take 63.
      input.InferenceId ??= createHash('sha256').update(`${this.tag} ${input.EndpointName}`).digest('hex').slice(0, 32);
      return next(args);
    }, { step: 'initialize', name: 'demoInferenceId' });
  }

  /** The tag requests carry from now on: one per pipeline execution. */
  public setTag(tag: string): void {
    this.tag = tag;
  }

  /**
   * Queues the answers to `requests`, in the order they will be sent.
   * @returns the answers
   */
  public async willReceive(requests: readonly ModelRequest[], broken = false): Promise<ModelAnswer[]> {
    const answers = requests.map((request) => answer(request, broken));
    const response = await fetch(new URL('/moto-api/static/sagemaker/endpoint-results', this.emulatorEndpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ results: answers.map((a) => ({ Body: a.body, ContentType: a.contentType })) }),
    });
    if (!response.ok) {
      throw new Error(`The emulator did not take the stand-in model's answers: HTTP ${response.status} ${await response.text()}`);
    }
    return answers;
  }
}
