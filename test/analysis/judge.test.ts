import assert from 'node:assert/strict';
import { judge, type JudgeInput } from '../../src/analysis/judge.js';
import type { MeasurementPhase } from '../../src/analysis/types.js';

describe('analysis/judge', () => {
  const S = 'result[0] < 0.05';
  const F = 'result[0] > 0.1';
  const cases: Record<string, { input: JudgeInput; phase: MeasurementPhase; message?: string | RegExp }> = {
    // Argo Rollouts' rules.
    'no conditions: Successful': { input: { conditions: {}, result: [1] }, phase: 'Successful' },
    'success only, met': { input: { conditions: { successCondition: S }, result: [0.01] }, phase: 'Successful' },
    'success only, not met: Failed': {
      input: { conditions: { successCondition: S }, result: [0.07] },
      phase: 'Failed',
      message: 'successCondition not met: result[0] < 0.05',
    },
    'failure only, met: Failed': {
      input: { conditions: { failureCondition: F }, result: [0.2] },
      phase: 'Failed',
      message: 'failureCondition met: result[0] > 0.1',
    },
    'failure only, not met: Successful': { input: { conditions: { failureCondition: F }, result: [0.07] }, phase: 'Successful' },
    'both, success met': { input: { conditions: { successCondition: S, failureCondition: F }, result: [0.01] }, phase: 'Successful' },
    'both, neither met: Inconclusive': {
      input: { conditions: { successCondition: S, failureCondition: F }, result: [0.07] },
      phase: 'Inconclusive',
      message: 'neither successCondition nor failureCondition met',
    },
    'both met: failure wins': {
      input: { conditions: { successCondition: 'result[0] >= 0', failureCondition: 'result[0] >= 0' }, result: [1] },
      phase: 'Failed',
    },
    'evaluation error: Error': {
      input: { conditions: { successCondition: 'result.status == "ok"' }, result: [1] },
      phase: 'Error',
      message: "successCondition: cannot fetch 'status' from array (result = [1])",
    },
    'syntax error: Error naming the field and column': {
      input: { conditions: { successCondition: S, failureCondition: 'result[0] > )' }, result: [1] },
      phase: 'Error',
      message: "failureCondition: unexpected ')' at column 13, expected an expression",
    },
    // Missing data never passes.
    'empty vector: Error no data': { input: { conditions: { successCondition: S }, result: [], empty: true }, phase: 'Error', message: 'query returned no data' },
    'empty vector with a len() guard still: Error no data': {
      input: { conditions: { successCondition: 'len(result) == 0 || result[0] < 0.05' }, result: [], empty: true },
      phase: 'Error',
      message: 'query returned no data',
    },
    'empty vector, failure-only: Error no data': {
      input: { conditions: { failureCondition: F }, result: [], empty: true },
      phase: 'Error',
    },
    'NaN compared: Inconclusive': {
      input: { conditions: { successCondition: S }, result: [NaN] },
      phase: 'Inconclusive',
      message: "successCondition: result[0] is NaN and cannot be compared with '<' (no data in the window?); missing data never passes",
    },
    'NaN compared in failure-only: Inconclusive': { input: { conditions: { failureCondition: F }, result: [NaN] }, phase: 'Inconclusive' },
    'isNaN() || ... cannot pass on NaN': {
      input: { conditions: { successCondition: 'isNaN(result[0]) || result[0] < 0.05' }, result: [NaN] },
      phase: 'Inconclusive',
      message: 'successCondition passed on NaN or Inf data: missing data never passes',
    },
    '+Inf cannot pass a >= condition': {
      input: { conditions: { successCondition: 'result[0] >= 0.95' }, result: [Infinity] },
      phase: 'Inconclusive',
    },
    '+Inf fails a < condition (p99 beyond the last bucket)': {
      input: { conditions: { successCondition: 'result[0] < 0.5' }, result: [Infinity] },
      phase: 'Failed',
    },
    '+Inf meeting a failure condition fails': {
      input: { conditions: { successCondition: S, failureCondition: F }, result: [Infinity] },
      phase: 'Failed',
    },
    'failure met wins over an erroring success condition': {
      input: { conditions: { successCondition: 'result[1] < 1', failureCondition: F }, result: [0.5] },
      phase: 'Failed',
    },
    'no conditions but empty: still Error': { input: { conditions: {}, result: [], empty: true }, phase: 'Error' },
    // Traffic guard.
    'too little traffic: Inconclusive with the count': {
      input: { conditions: { successCondition: S }, result: [0.01], traffic: { count: 12.7, min: 100 } },
      phase: 'Inconclusive',
      message: 'not enough traffic: 12 requests < 100',
    },
    'NaN traffic counts as none': {
      input: { conditions: { successCondition: S }, result: [0.01], traffic: { count: NaN, min: 100 } },
      phase: 'Inconclusive',
      message: 'not enough traffic: 0 requests < 100',
    },
    'traffic guard wins over a failing value': {
      input: { conditions: { successCondition: S }, result: [0.5], traffic: { count: 3, min: 100, unit: 'calls' } },
      phase: 'Inconclusive',
      message: 'not enough traffic: 3 calls < 100',
    },
    'enough traffic: judged normally': {
      input: { conditions: { successCondition: S }, result: [0.5], traffic: { count: 100, min: 100 } },
      phase: 'Failed',
    },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, () => {
      const v = judge(tc.input);
      assert.equal(v.phase, tc.phase, v.message);
      if (typeof tc.message === 'string') assert.equal(v.message, tc.message);
      else if (tc.message) assert.match(v.message ?? '', tc.message);
    });
  }
});
