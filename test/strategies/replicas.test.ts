import assert from 'node:assert/strict';
import {
  canaryReplicaCounts,
  resolveSurgeAndUnavailable,
  weightedReplicas,
  type CanaryReplicaInput,
} from '../../src/strategies/replicas.js';

type Case = Omit<CanaryReplicaInput, 'trafficRouting' | 'othersSpec'> &
  Partial<Pick<CanaryReplicaInput, 'trafficRouting' | 'othersSpec'>> & { want: [number, number] };

const rs = (spec: number, available = spec) => ({ spec, available });

const cases: Record<string, Case> = {
  '10 replicas at 10% gives 1 canary and 9 stable': {
    replicas: 10, weight: 10, maxSurge: 1, maxUnavailable: 1, canary: rs(0), stable: rs(10), want: [1, 9],
  },
  'surge 3, no unavailability: canary first, stable waits': {
    replicas: 10, weight: 30, maxSurge: 3, maxUnavailable: 0, canary: rs(0), stable: rs(10), want: [3, 10],
  },
  'no surge, 5 unavailable: make room first': {
    replicas: 10, weight: 30, maxSurge: 0, maxUnavailable: 5, canary: rs(0), stable: rs(10), want: [0, 7],
  },
  'no surge: the canary comes once room was made': {
    replicas: 10, weight: 30, maxSurge: 0, maxUnavailable: 5, canary: rs(0), stable: rs(7), want: [3, 7],
  },
  '5% of 10 rounds both sides up: 1 canary, stable keeps 10 (surge grows by one)': {
    replicas: 10, weight: 5, maxSurge: 1, maxUnavailable: 1, canary: rs(0), stable: rs(10), want: [1, 10],
  },
  'one replica at 5%: both sides keep one pod': {
    replicas: 1, weight: 5, maxSurge: 1, maxUnavailable: 0, canary: rs(0), stable: rs(1), want: [1, 1],
  },
  'one replica at 95%: both sides keep one pod': {
    replicas: 1, weight: 95, maxSurge: 1, maxUnavailable: 0, canary: rs(0), stable: rs(1), want: [1, 1],
  },
  'two replicas at 1%: neither side is 0': {
    replicas: 2, weight: 1, maxSurge: 1, maxUnavailable: 0, canary: rs(1), stable: rs(2), want: [1, 2],
  },
  'two replicas at 99%: neither side is 0 once the canary is available': {
    replicas: 2, weight: 99, maxSurge: 1, maxUnavailable: 0, canary: rs(2), stable: rs(2), want: [2, 1],
  },
  'stable does not shrink below R - maxUnavailable while the canary is not available': {
    replicas: 10, weight: 50, maxSurge: 2, maxUnavailable: 0, canary: rs(2, 0), stable: rs(10), want: [2, 10],
  },
  'stable shrinks as canary pods become available': {
    replicas: 10, weight: 50, maxSurge: 2, maxUnavailable: 0, canary: rs(2, 2), stable: rs(10), want: [2, 8],
  },
  'old ReplicaSets go first: nothing shrinks while they hold replicas': {
    replicas: 10, weight: 50, maxSurge: 0, maxUnavailable: 2, canary: rs(5), stable: rs(10), othersSpec: 3, want: [5, 10],
  },
  'abort: canary holds while stable pods are not available (maxUnavailable 0)': {
    replicas: 4, weight: 0, maxSurge: 1, maxUnavailable: 0, canary: rs(2), stable: rs(4, 2), want: [2, 4],
  },
  'abort: canary scales away once stable is available, even with canary pods unavailable': {
    replicas: 4, weight: 0, maxSurge: 1, maxUnavailable: 0, canary: rs(2, 0), stable: rs(4), want: [0, 4],
  },
  'no stable yet: the first revision goes straight to R': {
    replicas: 5, weight: 20, maxSurge: 1, maxUnavailable: 0, canary: rs(0), want: [5, 0],
  },
  'traffic routing: stable stays at R, canary by weight': {
    replicas: 10, weight: 30, maxSurge: 0, maxUnavailable: 0, canary: rs(0), stable: rs(10), trafficRouting: true, want: [3, 10],
  },
  'traffic routing with setCanaryScale replicas': {
    replicas: 10, weight: 30, canaryReplicas: 1, maxSurge: 0, maxUnavailable: 0, canary: rs(0), stable: rs(10), trafficRouting: true, want: [1, 10],
  },
  'traffic routing with dynamicStableScale shrinks stable with its traffic': {
    replicas: 10, weight: 80, dynamicStableScale: { trafficWeight: 80 }, maxSurge: 0, maxUnavailable: 0,
    canary: rs(8), stable: rs(10), trafficRouting: true, want: [8, 2],
  },
};

describe('canary replica arithmetic', () => {
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const { want, ...input } = tc;
      const got = canaryReplicaCounts({ trafficRouting: false, othersSpec: 0, ...input });
      assert.deepEqual([got.canary, got.stable], want);
    });
  }

  it('never exceeds replicas + maxSurge (+1 when both sides round up) on scale-up', () => {
    for (let r = 1; r <= 12; r++) {
      for (let w = 0; w <= 100; w += 7) {
        for (let surge = 0; surge <= 3; surge++) {
          const got = canaryReplicaCounts({ replicas: r, weight: w, trafficRouting: false, othersSpec: 0, maxSurge: surge, maxUnavailable: 1, canary: rs(0), stable: rs(r) });
          const extra = (r * w) % 100 === 0 ? 0 : 1;
          assert.ok(got.canary + got.stable <= r + surge + extra, `r=${r} w=${w} surge=${surge}: ${JSON.stringify(got)}`);
          if (w >= 1 && w <= 99 && r >= 2) assert.ok(got.stable > 0);
        }
      }
    }
  });

  it('between 1% and 99% with two or more pods, the desired split has no empty side', () => {
    for (let r = 2; r <= 20; r++) {
      for (let w = 1; w <= 99; w++) {
        assert.ok(weightedReplicas(r, w) >= 1 && weightedReplicas(r, 100 - w) >= 1, `r=${r} w=${w}`);
      }
    }
  });

  const fence: Record<string, [number | string, number | string, number, [number, number]]> = {
    'percentages: surge rounds up, unavailable down': ['25%', '25%', 10, [3, 2]],
    'both zero: unavailable becomes 1': [0, 0, 5, [0, 1]],
    'integers as given': [2, 1, 10, [2, 1]],
    'unavailable capped at replicas': [0, 9, 3, [0, 3]],
  };
  for (const [name, [s, u, r, want]] of Object.entries(fence)) {
    it(`resolve maxSurge/maxUnavailable: ${name}`, () => {
      const got = resolveSurgeAndUnavailable(s, u, r);
      assert.deepEqual([got.maxSurge, got.maxUnavailable], want);
    });
  }
});
