import { MOTO_HANDLE } from './global-setup';
import { MotoServer } from './moto-server';

/** jest globalTeardown: stops the moto server started by global-setup.ts. */
export default async function globalTeardown(): Promise<void> {
  const handles = globalThis as Record<symbol, MotoServer | undefined>;
  const server = handles[MOTO_HANDLE];
  handles[MOTO_HANDLE] = undefined;
  await server?.stop();
}
