import assert from 'node:assert/strict';
import * as analysis from '../../src/analysis/index.js';
import * as api from '../../src/api/index.js';

describe('analysis and api barrels', () => {
  it('export no name twice, so both can be imported side by side (one AnalysisPhase: the api one)', () => {
    const clash = Object.keys(analysis).filter((k) => k in api);
    assert.deepEqual(clash, []);
    assert.equal(api.AnalysisPhase.Inconclusive, 'Inconclusive');
  });
});
