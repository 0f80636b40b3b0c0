/**
 * One set of real emulators per test file: `useEmulators()` registers beforeAll/afterAll hooks
 * that start fauxqs + dynalite, point the SDK at them through `process.env` (the same standard
 * variables code reads in AWS), and on the way out stop them and put `process.env` back.
 */
import { startEmulators, type Emulators } from '../../local/emulators';

export interface EmulatorFixture {
  /** The running emulators; available inside tests and hooks that run after beforeAll. */
  readonly current: Emulators;
}

export function useEmulators(): EmulatorFixture {
  let emulators: Emulators | undefined;
  let restoreEnvironment: (() => void) | undefined;

  beforeAll(async () => {
    emulators = await startEmulators();
    restoreEnvironment = applyEnvironment(emulators.environment);
  });

  afterAll(async () => {
    restoreEnvironment?.();
    await emulators?.stop();
  });

  return {
    get current(): Emulators {
      if (!emulators) throw new Error('Expected the emulators to be started by beforeAll, but they are not running.');
      return emulators;
    },
  };
}

/** Sets the variables and returns a function that restores each one to its previous value (or absence). */
export function applyEnvironment(variables: Readonly<Record<string, string>>): () => void {
  const previous = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
