/**
 * File names and other text a person did not write themselves, made safe to print: control
 * characters (which could move the cursor, clear the screen or fake a line) and bidirectional
 * overrides (which reorder what is shown) are escaped as JSON escapes them.
 */
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (character) => SHORT_ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
