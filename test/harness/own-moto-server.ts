import { MotoServer, resetMoto, startMotoServer } from './moto-server';

/** The server of `ownMotoServer`, once its file's tests have started. */
export interface OwnMotoServer {
  /** `http://127.0.0.1:PORT`, for the harness's control calls (`setDescribesUntilReady`, ...). */
  readonly endpoint: string;
}

/**
 * A moto server of the test file's own, for files that empty the emulator
 * between tests (the suite's shared server keeps what other files made):
 * started before the file's tests, where every SDK client finds it as it
 * would in any tool (AWS_ENDPOINT_URL), emptied before each test, and stopped,
 * with its contract report, after the last. Call it at the top of the file,
 * before the hooks that use it: hooks run in the order they are registered,
 * so the file's own `beforeAll` makes its clients once AWS_ENDPOINT_URL is
 * set, and its own `beforeEach` fills an emptied emulator.
 */
export function ownMotoServer(): OwnMotoServer {
  let moto: MotoServer | undefined;
  beforeAll(async () => {
    moto = await startMotoServer();
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL;
    await moto?.stop();
  });
  beforeEach(async () => {
    await resetMoto(started().endpoint);
  });

  function started(): MotoServer {
    if (!moto) {
      throw new Error('ownMotoServer: the server is not started yet; use it in a hook or test, not at the top of the file');
    }
    return moto;
  }
  return {
    get endpoint() {
      return started().endpoint;
    },
  };
}
