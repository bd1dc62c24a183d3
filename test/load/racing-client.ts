import { CloudFormationClient, Tag } from '@aws-sdk/client-cloudformation';
import { REQUEST_HASH_TAG } from '../../src/contract/stack-tags';
import { errorName } from '../../src/runtime/aws-errors';

/** One CreateStack, UpdateStack or DeleteStack, as CloudFormation answered it. */
export interface Write {
  /** `CreateStack ok`, `CreateStack AlreadyExistsException`, `UpdateStack ValidationError`, ... */
  readonly outcome: string;
  /** The hash tag the write carried: which request sent it. */
  readonly requestHash: string | undefined;
}

/** A CloudFormation client that lines requests up for a race, and what CloudFormation answered their writes. */
export interface RacingClient {
  readonly client: CloudFormationClient;
  /** The writes in the order CloudFormation answered them. */
  readonly writes: Write[];
}

const WRITES = new Set(['CreateStackCommand', 'UpdateStackCommand', 'DeleteStackCommand']);

/**
 * A client on `endpoint` whose first `parties` DescribeStacks calls are held
 * until all of them have been made. Requests sharing it therefore all look at
 * the stack before any of them writes: the closest two requests can come to
 * arriving at the same instant, and the case in which only CloudFormation's
 * own answer to the write (a taken name, a busy stack) can keep them apart.
 * What happens after that is left to the emulator's threads.
 */
export function racingClient(endpoint: string, parties: number): RacingClient {
  const client = new CloudFormationClient({ endpoint, region: 'us-east-1' });
  const writes: Write[] = [];
  let arrived = 0;
  let releaseAll!: () => void;
  const allArrived = new Promise<void>((resolve) => {
    releaseAll = resolve;
  });
  client.middlewareStack.add((next, context) => async (args) => {
    const command = context.commandName ?? '';
    if (command === 'DescribeStacksCommand' && arrived < parties) {
      arrived++;
      if (arrived === parties) {
        releaseAll();
      }
      await allArrived;
    }
    const operation = command.replace(/Command$/, '');
    const tags = (args.input as { Tags?: Tag[] }).Tags;
    const requestHash = tags?.find((t) => t.Key === REQUEST_HASH_TAG)?.Value;
    try {
      const output = await next(args);
      if (WRITES.has(command)) {
        writes.push({ outcome: `${operation} ok`, requestHash });
      }
      return output;
    } catch (err) {
      if (WRITES.has(command)) {
        writes.push({ outcome: `${operation} ${errorName(err)}`, requestHash });
      }
      throw err;
    }
  }, { step: 'initialize', name: 'raceLineUp' });
  return { client, writes };
}
