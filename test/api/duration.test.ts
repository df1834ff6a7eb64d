import assert from 'node:assert/strict';
import { formatDuration, parseDuration, tryParseDuration } from '../../src/api/index.js';

describe('api/duration', () => {
  const valid: Record<string, { in: unknown; ms: number }> = {
    'seconds as a number': { in: 30, ms: 30_000 },
    'zero': { in: 0, ms: 0 },
    'numeric string is seconds': { in: '45', ms: 45_000 },
    'Go seconds': { in: '30s', ms: 30_000 },
    'Go minutes': { in: '5m', ms: 300_000 },
    'Go hours and minutes': { in: '1h30m', ms: 5_400_000 },
    'milliseconds': { in: '250ms', ms: 250 },
    'fractional hours': { in: '1.5h', ms: 5_400_000 },
    'microseconds': { in: '1500us', ms: 1.5 },
    'string zero': { in: '0', ms: 0 },
    'all units': { in: '1h1m1s1ms', ms: 3_661_001 },
  };
  for (const [name, tc] of Object.entries(valid)) {
    it(`parses ${name}`, () => assert.equal(parseDuration(tc.in), tc.ms));
  }

  const invalid: Record<string, unknown> = {
    'empty string': '',
    'unit only': 'm',
    'unknown unit': '5d',
    'words': '5 minutes',
    'negative number': -1,
    'negative string': '-5s',
    'trailing junk': '5mx',
    'an object': { seconds: 5 },
    'NaN': Number.NaN,
  };
  for (const [name, x] of Object.entries(invalid)) {
    it(`rejects ${name}`, () => {
      assert.equal(tryParseDuration(x), undefined);
      assert.throws(() => parseDuration(x), /must be a duration such as "30s", "5m", "1h30m" or a number of seconds/);
    });
  }

  const formats: Record<string, [number, string]> = {
    zero: [0, '0s'],
    'hours and minutes': [5_400_000, '1h30m'],
    milliseconds: [250, '250ms'],
    mixed: [3_661_001, '1h1m1s1ms'],
  };
  for (const [name, [ms, text]] of Object.entries(formats)) {
    it(`formats ${name}`, () => assert.equal(formatDuration(ms), text));
  }
});
