/**
 * Every template in examples/analysis parses with the API schema, its args substitute, and its
 * conditions compile. (prometheus-real.test.ts measures app-metrics.yaml against a real Prometheus.)
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { compileConditions } from '../../src/analysis/judge.js';
import { EXAMPLES_DIR, loadExample } from './examples-support.js';

describe('examples/analysis', () => {
  const files = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.yaml'));

  it('has the four templates', () => {
    assert.deepEqual(files.sort(), ['app-metrics.yaml', 'istio.yaml', 'linkerd.yaml', 'nginx.yaml']);
  });

  for (const file of files) {
    it(`${file}: parses, substitutes and compiles, with a traffic guard on every metric`, () => {
      const metrics = loadExample(file);
      assert.ok(metrics.length > 0);
      for (const m of metrics) {
        const c = compileConditions(m);
        assert.ok(!('error' in c), `${file} ${m.name}: ${'error' in c ? c.error : ''}`);
        assert.ok(m.minSamples, `${file} ${m.name} has no minSamples`);
        assert.ok(!JSON.stringify(m).includes('{{'), `${file} ${m.name}: a placeholder is left`);
      }
    });
  }
});
