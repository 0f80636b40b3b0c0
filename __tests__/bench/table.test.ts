/** The one Markdown table `npm run bench` prints. */
import { renderTable, withSpread } from '../../bench/table';

describe('renderTable', () => {
  it('prints one Markdown row per measured row, with the verdict of its target and its pipes escaped', () => {
    const table = renderTable([
      { group: 'photos', name: 'npm start', figure: 'CPU 1 s', ratio: 'CPU 1.30×', target: { text: '≤ 1.25× CPU', met: false } },
      { group: 'API', name: 'a | b', figure: '2000 requests/s', target: { text: '≥ 2000/s', met: true } },
      { group: 'Lambda', name: 'sharp layer', figure: 'zip 8.6 MiB' },
    ]);
    const lines = table.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toBe('| photos | npm start | CPU 1 s | CPU 1.30× | ≤ 1.25× CPU: **missed** |');
    expect(lines[3]).toBe('| API | a \\| b | 2000 requests/s |  | ≥ 2000/s: met |');
    expect(lines[4]).toBe('| Lambda | sharp layer | zip 8.6 MiB |  |  |');
  });
});

describe('withSpread', () => {
  it('writes the median, then the least and greatest in brackets', () => {
    expect(withSpread({ median: 1.234, min: 1.1, max: 1.5 }, 2, ' s')).toBe('1.23 s (1.10–1.50)');
  });
});
