/** A failure of the local system itself (not a verdict on an image): the commands exit non-zero with its message. */
export class LocalSystemError extends Error {
  override readonly name = 'LocalSystemError';
}
