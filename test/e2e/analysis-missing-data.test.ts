/**
 * Missing data never passes, end to end: one AnalysisRun per case of the README's table, and
 * exactly the phase and message a user sees on the run. The fake Prometheus answers each case.
 */
import assert from 'node:assert/strict';
import { FakePrometheus, type FakeAnswer } from '../analysis/fake-prometheus.js';
import { eventually, startController, startEnv, stopEnv, type Env, type Obj } from './support.js';

const DONE = ['Successful', 'Failed', 'Error', 'Inconclusive'];
const gvr = { group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'analysisruns' };

interface Case {
  /** Answers of the main query, by call. */
  answers: FakeAnswer[];
  metric?: Obj;
  address?: string;
  terminate?: boolean;
  phase: string;
  message: string;
}

const cases: Record<string, Case> = {
  'empty result': { answers: ['empty'], phase: 'Error', message: 'metric "m": ended on 1 error(s) in a row: the latest data is missing, which never passes; last: query returned no data' },
  NaN: {
    answers: ['NaN'],
    phase: 'Inconclusive',
    message: "metric \"m\": 1 inconclusive measurement(s), more than inconclusiveLimit 0; last: successCondition: result[0] is NaN and cannot be compared with '<' (no data in the window?); missing data never passes",
  },
  '+Inf': { answers: ['+Inf'], phase: 'Failed', message: 'metric "m": 1 failed measurement(s), more than failureLimit 0; last: successCondition not met: result[0] < 0.05' },
  '-Inf': {
    answers: ['-Inf'],
    phase: 'Inconclusive',
    message: 'metric "m": 1 inconclusive measurement(s), more than inconclusiveLimit 0; last: successCondition passed on NaN or Inf data: missing data never passes',
  },
  'provider error': {
    answers: [{ error: '1:5: parse error: unclosed left parenthesis' }],
    phase: 'Error',
    message: 'metric "m": ended on 1 error(s) in a row: the latest data is missing, which never passes; last: prometheus bad_data (HTTP 400): 1:5: parse error: unclosed left parenthesis',
  },
  'unreachable server': {
    answers: [0],
    address: 'http://127.0.0.1:1',
    phase: 'Error',
    message: 'metric "m": ended on 1 error(s) in a row: the latest data is missing, which never passes; last: prometheus unreachable at http://127.0.0.1:1: ECONNREFUSED',
  },
  'too little traffic': {
    answers: [0],
    metric: { minSamples: { query: 'requests', min: 20 } },
    phase: 'Inconclusive',
    message: 'metric "m": 1 inconclusive measurement(s), more than inconclusiveLimit 0; last: not enough traffic: 3 requests < 20',
  },
  'mostly errors': {
    answers: [{ status: 503 }, { status: 503 }, 0],
    metric: { count: 3, interval: '10s' },
    phase: 'Error',
    message: 'metric "m": 2 of 3 measurements were errors',
  },
  'terminated with no data': {
    answers: [0],
    metric: { interval: '10s', initialDelay: '1h' },
    terminate: true,
    phase: 'Inconclusive',
    message: 'metric "m": terminated before any measurement: no data, no verdict',
  },
};

describe('e2e: what a user sees when analysis data is missing', function () {
  this.timeout(30_000);
  let env: Env;
  let prom: FakePrometheus;
  before(async () => {
    prom = await new FakePrometheus().on('requests', 3).start();
    env = await startEnv();
    await startController(env, 100);
  });
  after(async () => {
    await stopEnv(env);
    await prom.close();
  });

  for (const [name, tc] of Object.entries(cases)) {
    it(`${name} -> ${tc.phase}`, async () => {
      const id = `missing-${name.replace('+', 'plus ').replace('-', 'minus ').replace(/[^a-zA-Z]+/g, '-').toLowerCase().replace(/^-|-$/g, '')}`;
      prom.on(id, (n) => tc.answers[Math.min(n, tc.answers.length - 1)] ?? 'empty');
      const metric = { name: 'm', successCondition: 'result[0] < 0.05', provider: { prometheus: { address: tc.address ?? prom.url, query: id } }, ...tc.metric };
      await env.custom.createNamespacedCustomObject({ ...gvr, body: { apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: id }, spec: { metrics: [metric] } } });
      if (tc.terminate) {
        await eventually(async () => ((await env.custom.getNamespacedCustomObject({ ...gvr, name: id })) as Obj).status?.phase === 'Pending', 'run seen');
        await env.custom.patchNamespacedCustomObject({ ...gvr, name: id, body: [{ op: 'add', path: '/spec/terminate', value: true }] });
      }
      const run = await eventually(async () => {
        const r = (await env.custom.getNamespacedCustomObject({ ...gvr, name: id })) as Obj;
        return DONE.includes(r.status?.phase) && r;
      }, `${id} finished`);
      assert.equal(run.status.message, tc.message);
      assert.equal(run.status.phase, tc.phase);
      assert.equal(prom.calls.get(id) ?? 0, tc.terminate || tc.address ? 0 : tc.answers.length, 'queries the fake answered');
    });
  }
});
