import assert from 'node:assert/strict';
import { AnalysisPhase, type Measurement, type Metric, type MetricResult } from '../../src/api/index.js';
import { addMeasurement, assessMetric, emptyResult, nextDue, runPhase } from '../../src/analysis/reconciler/schedule.js';

const metric = (m: Partial<Metric> = {}): Metric => ({
  name: 'error-rate',
  successCondition: 'result[0] < 0.01',
  failureCondition: '',
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  consecutiveSuccessLimit: 0,
  provider: { prometheus: { address: 'http://p', query: 'q', insecure: false, headers: [], authentication: {} } } as Metric['provider'],
  ...m,
});

const meas = (phase: AnalysisPhase, message = ''): Measurement => ({ phase, value: '', message, metadata: {} });

function results(m: Metric, phases: AnalysisPhase[]): MetricResult {
  let r = emptyResult(m.name, false);
  for (const p of phases) r = addMeasurement(r, meas(p, `${p} measurement`), 10, 0);
  return r;
}

const S = AnalysisPhase.Successful;
const F = AnalysisPhase.Failed;
const E = AnalysisPhase.Error;
const I = AnalysisPhase.Inconclusive;

describe('analysis schedule and verdicts', () => {
  it('measures on a grid from the run start: interval counts from the previous start, no drift', () => {
    const m = metric({ interval: 10_000, count: 3, initialDelay: 5_000 });
    const start = 1_000_000;
    assert.equal(nextDue(m, undefined, start, 1), start + 5_000);
    let r = emptyResult(m.name, false);
    // the first measurement ran 700 ms late; the next is still on the grid
    r = addMeasurement(r, { ...meas(S), startedAt: 'late' }, 10, start + 5_000);
    assert.equal(nextDue(m, r, start, 1), start + 15_000);
    r = addMeasurement(r, meas(S), 10, start + 5_000);
    r = addMeasurement(r, meas(S), 10, start + 5_000);
    assert.equal(nextDue(m, r, start, 1), undefined, 'count reached');
  });

  it('a metric with neither interval nor count measures once', () => {
    const m = metric();
    const r = results(m, [S]);
    assert.equal(nextDue(m, r, 0, 1), undefined);
    assert.equal(assessMetric(m, r, false).phase, S);
  });

  it('an interval without count runs until terminated', () => {
    const m = metric({ interval: 1000 });
    const r = results(m, [S, S, S, S, S, S]);
    assert.equal(nextDue(m, r, 0, 1), 6000);
    assert.equal(assessMetric(m, r, false).phase, AnalysisPhase.Running);
    assert.equal(assessMetric(m, r, true).phase, S);
  });

  it('the time scale divides interval and initial delay', () => {
    const m = metric({ interval: 60_000, initialDelay: 60_000 });
    assert.equal(nextDue(m, undefined, 0, 60), 1000);
  });

  const verdicts: Record<string, [Partial<Metric>, AnalysisPhase[], boolean, AnalysisPhase]> = {
    'one failure with failureLimit 0 fails': [{ count: 5, interval: 1 }, [S, F], false, F],
    'failureLimit 1 tolerates one failure': [{ count: 3, interval: 1, failureLimit: 1 }, [S, F, S], false, S],
    'failureLimit -1 disables failing': [{ count: 3, interval: 1, failureLimit: -1 }, [F, F, S], false, S],
    'inconclusive beyond its limit': [{ count: 3, interval: 1 }, [S, I], false, I],
    'five errors in a row beyond consecutiveErrorLimit 4': [{ count: 10, interval: 1 }, [E, E, E, E, E], false, E],
    'four errors in a row are still running': [{ count: 10, interval: 1 }, [E, E, E, E], false, AnalysisPhase.Running],
    'consecutiveSuccessLimit ends early': [{ interval: 1, consecutiveSuccessLimit: 2 }, [F, S, S], false, F],
    'consecutiveSuccessLimit with failures tolerated': [{ interval: 1, consecutiveSuccessLimit: 2, failureLimit: 3 }, [F, S, S], false, S],
    'mostly errors is never Successful': [{ count: 3, interval: 1 }, [E, S, E], false, E],
    'terminated with no measurement is Inconclusive, not a pass': [{ interval: 1 }, [], true, I],
    'terminated after errors only is Error': [{ interval: 1 }, [E, E], true, E],
    'terminated with passing measurements is Successful (an error in the middle is tolerated)': [{ interval: 1 }, [S, E, S], true, S],
    'terminated right after an error is Error: the latest data is missing': [{ interval: 1 }, [S, S, E], true, E],
    'count reached on an error is Error, never Successful': [{ count: 3, interval: 1 }, [S, S, E], false, E],
    'string limits from args are read as numbers': [{ count: '2', interval: 1, failureLimit: '1' }, [F, S], false, S],
  };
  for (const [name, [m, phases, terminating, want]] of Object.entries(verdicts)) {
    it(name, () => {
      const mm = metric(m);
      assert.equal(assessMetric(mm, results(mm, phases), terminating).phase, want);
    });
  }

  const runs: Record<string, [AnalysisPhase[], AnalysisPhase]> = {
    'all Successful': [[S, S], S],
    'one still running': [[S, AnalysisPhase.Running], AnalysisPhase.Running],
    'Inconclusive beats Running': [[AnalysisPhase.Running, I], I],
    'Error beats Inconclusive': [[I, E], E],
    'Failed is worst': [[E, F, S], F],
  };
  for (const [name, [phases, want]] of Object.entries(runs)) {
    it(`run phase: ${name}`, () => {
      const rs = phases.map((p, i) => ({ ...emptyResult(`m${i}`, false), phase: p }));
      assert.equal(runPhase(rs), want);
    });
  }

  it('dry-run metrics never decide the run', () => {
    const rs = [{ ...emptyResult('a', false), phase: S }, { ...emptyResult('b', true), phase: F }];
    assert.equal(runPhase(rs), S);
  });

  it('keeps only the retained measurements but counts them all', () => {
    let r = emptyResult('x', false);
    for (let i = 0; i < 15; i++) r = addMeasurement(r, meas(S), 10, 0);
    assert.equal(r.measurements.length, 10);
    assert.equal(r.count, 15);
  });
});
