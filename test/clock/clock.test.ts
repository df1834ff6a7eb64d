import assert from 'node:assert/strict';
import { FakeClock, toRfc3339 } from '../../src/clock/index.js';

describe('clock', () => {
  it('FakeClock fires timers in due order, each seeing its due time', () => {
    const c = new FakeClock(1000);
    const seen: Array<[string, number]> = [];
    c.setTimer(() => seen.push(['b', c.now()]), 200);
    c.setTimer(() => seen.push(['a', c.now()]), 100);
    const h = c.setTimer(() => seen.push(['x', c.now()]), 150);
    c.clearTimer(h);
    c.advance(150);
    assert.deepEqual(seen, [['a', 1100]]);
    c.advance(1000);
    assert.deepEqual(seen, [['a', 1100], ['b', 1200]]);
    assert.equal(c.now(), 2150);
  });

  it('sleep rejects when its signal aborts', async () => {
    const c = new FakeClock();
    const ac = new AbortController();
    const p = c.sleep(1000, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
    assert.equal(c.pending(), 0);
  });

  it('formats RFC 3339 at seconds precision', () => {
    assert.equal(toRfc3339(Date.UTC(2026, 0, 1, 12, 30, 5, 250)), '2026-01-01T12:30:05Z');
  });
});
