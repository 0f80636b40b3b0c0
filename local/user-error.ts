/**
 * A mistake in what the user gave — arguments, paths, the preset, settings — as opposed to a
 * failure of the system ({@link LocalSystemError}). The commands exit 2 with its sentence.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}
