/** The Deployment controller's rolling-update arithmetic, as named case tables. */
import assert from 'node:assert/strict';
import { rollingScaleDown, rollingScaleUp, surgeAndUnavailable, type RsReplicas } from '../../src/local/sim/rollout-math.js';

const rs = (name: string, replicas: number, available: number): RsReplicas => ({ name, replicas, available });

describe('local/sim rolling-update arithmetic', () => {
  const resolve: Record<string, { surge: unknown; unavailable: unknown; replicas: number; want: { surge: number; unavailable: number } }> = {
    'defaults 25%/25% of 4': { surge: undefined, unavailable: undefined, replicas: 4, want: { surge: 1, unavailable: 1 } },
    '25% of 10: surge rounds up, unavailable down': { surge: '25%', unavailable: '25%', replicas: 10, want: { surge: 3, unavailable: 2 } },
    'both zero: unavailable becomes 1': { surge: 0, unavailable: 0, replicas: 3, want: { surge: 0, unavailable: 1 } },
    'integers as given': { surge: 2, unavailable: 1, replicas: 5, want: { surge: 2, unavailable: 1 } },
    'unavailable capped at replicas': { surge: 0, unavailable: 9, replicas: 2, want: { surge: 0, unavailable: 2 } },
  };
  for (const [name, tc] of Object.entries(resolve)) {
    it(`resolve: ${name}`, () => assert.deepEqual(surgeAndUnavailable(tc.surge, tc.unavailable, tc.replicas), tc.want));
  }

  const up: Record<string, { all: RsReplicas[]; replicas: number; surge: number; want: number }> = {
    'first step: one surge pod': { all: [rs('new', 0, 0), rs('old', 4, 4)], replicas: 4, surge: 1, want: 1 },
    'at max total: no more': { all: [rs('new', 1, 0), rs('old', 4, 4)], replicas: 4, surge: 1, want: 1 },
    'room made by scale-down': { all: [rs('new', 1, 1), rs('old', 3, 3)], replicas: 4, surge: 1, want: 2 },
    'never above replicas': { all: [rs('new', 3, 3), rs('old', 0, 0)], replicas: 4, surge: 3, want: 4 },
    'scaled down below current: cut to replicas': { all: [rs('new', 5, 5)], replicas: 2, surge: 1, want: 2 },
  };
  for (const [name, tc] of Object.entries(up)) {
    it(`scale up: ${name}`, () => {
      const newRs = tc.all[0];
      assert.ok(newRs);
      assert.equal(rollingScaleUp(tc.all, newRs, tc.replicas, tc.surge), tc.want);
    });
  }

  const down: Record<string, { old: RsReplicas[]; newRs: RsReplicas; replicas: number; unavailable: number; want: Record<string, number> }> = {
    'worked example: 4 old available, 1 new unavailable: old to 3': { old: [rs('old', 4, 4)], newRs: rs('new', 1, 0), replicas: 4, unavailable: 1, want: { old: 3 } },
    'maxUnavailable 0: nothing until the new pod is available': { old: [rs('old', 4, 4)], newRs: rs('new', 1, 0), replicas: 4, unavailable: 0, want: { old: 4 } },
    'maxUnavailable 0, new pod available: old down by 1': { old: [rs('old', 4, 4)], newRs: rs('new', 1, 1), replicas: 4, unavailable: 0, want: { old: 3 } },
    'unhealthy old pods go first, then available ones down to the minimum': { old: [rs('old1', 2, 0), rs('old2', 3, 3)], newRs: rs('new', 0, 0), replicas: 3, unavailable: 1, want: { old1: 0, old2: 2 } },
    'replicas 0: everything old goes': { old: [rs('old', 3, 3)], newRs: rs('new', 0, 0), replicas: 0, unavailable: 0, want: { old: 0 } },
  };
  for (const [name, tc] of Object.entries(down)) {
    it(`scale down: ${name}`, () => {
      assert.deepEqual(Object.fromEntries(rollingScaleDown(tc.old, tc.newRs, tc.replicas, tc.unavailable)), tc.want);
    });
  }
});
