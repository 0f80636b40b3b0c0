/** The volume the cost commands assume when none is given. */
export const DEFAULT_IMAGES_PER_MONTH = 1_000_000;
