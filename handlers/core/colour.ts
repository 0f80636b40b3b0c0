/** `#rrggbb` colours, the only colour syntax presets accept (unambiguous, no named colours). */
export interface Rgb {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

const HEX_COLOUR = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/;

export function isHexColour(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOUR.test(value);
}

/** `#ff8000` → `{ r: 255, g: 128, b: 0 }`; `null` when the text is not `#rrggbb`. */
export function parseHexColour(value: string): Rgb | null {
  const match = HEX_COLOUR.exec(value);
  if (match === null) return null;
  const [, r = '0', g = '0', b = '0'] = match;
  return { r: Number.parseInt(r, 16), g: Number.parseInt(g, 16), b: Number.parseInt(b, 16) };
}
