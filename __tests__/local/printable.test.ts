/** Names printed for people: control characters and bidirectional overrides escaped, the rest as it is. */
import { printable } from '../../local/printable';

it('escapes control characters as JSON does and leaves other text alone', () => {
  expect(printable('a\u001b[2Jb\r\n\tc\u0007\u007f\u009b')).toBe('a\\u001b[2Jb\\r\\n\\tc\\u0007\\u007f\\u009b');
  expect(printable('invoice\u202egpj.exe')).toBe('invoice\\u202egpj.exe');
  expect(printable('Crème brûlée (1).JPG')).toBe('Crème brûlée (1).JPG');
});
