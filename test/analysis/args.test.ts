import assert from 'node:assert/strict';
import {
  resolveArgs,
  secretValues,
  substituteArgs,
  substituteString,
  UnresolvedArgError,
  type ArgValueResolver,
} from '../../src/analysis/args.js';
import type { MetricSpec } from '../../src/analysis/types.js';

describe('analysis/args', () => {
  describe('substituteString', () => {
    const values = { 'service-name': 'checkout', ns: 'shop', empty: '' };
    const cases: Record<string, { text: string; want: string | { arg: string } }> = {
      'plain tag': { text: 'up{service="{{args.service-name}}"}', want: 'up{service="checkout"}' },
      'spaces inside the braces': { text: '{{ args.ns }}/{{args.service-name}}', want: 'shop/checkout' },
      'empty value': { text: 'x{{args.empty}}y', want: 'xy' },
      'no tags': { text: 'sum(rate(x[5m]))', want: 'sum(rate(x[5m]))' },
      'PromQL braces are not tags': { text: 'x{a="b"} / on() group_left y{c=~"d{2}"}', want: 'x{a="b"} / on() group_left y{c=~"d{2}"}' },
      'unknown arg': { text: 'x{{args.missing}}', want: { arg: 'missing' } },
      'not an args tag': { text: '{{workflow.name}}', want: { arg: '{{workflow.name}}' } },
    };
    for (const [name, tc] of Object.entries(cases)) {
      it(name, () => {
        const out = substituteString(tc.text, values, 'provider.prometheus.query');
        if (typeof tc.want === 'string') assert.equal(out, tc.want);
        else {
          assert.ok(out instanceof UnresolvedArgError);
          assert.equal(out.arg, tc.want.arg);
          assert.equal(out.message, `unresolved argument '${tc.want.arg}' in provider.prometheus.query`);
        }
      });
    }
  });

  it('substitutes every string of a metric and keeps its shape', () => {
    const metric = {
      name: 'error-rate',
      interval: '{{args.interval}}',
      count: '{{args.count}}',
      failureLimit: 2,
      successCondition: 'result[0] < {{args.max-error}}',
      minSamples: { query: 'sum(increase(x{svc="{{args.svc}}"}[5m]))', min: '{{args.min}}' },
      provider: {
        prometheus: {
          address: 'http://{{args.prom}}:9090',
          query: 'x{svc="{{args.svc}}"}',
          headers: [{ key: 'X-Scope-OrgID', value: '{{ args.tenant }}' }],
        },
      },
    };
    const out = substituteArgs(metric, {
      interval: '30s', count: '5', 'max-error': '0.05', svc: 'api', min: '100', prom: 'prom', tenant: 't1',
    });
    assert.ok(!(out instanceof UnresolvedArgError));
    assert.deepEqual(out, {
      name: 'error-rate',
      interval: '30s',
      count: '5',
      failureLimit: 2,
      successCondition: 'result[0] < 0.05',
      minSamples: { query: 'sum(increase(x{svc="api"}[5m]))', min: '100' },
      provider: { prometheus: { address: 'http://prom:9090', query: 'x{svc="api"}', headers: [{ key: 'X-Scope-OrgID', value: 't1' }] } },
    });
    const typed: MetricSpec = out as MetricSpec;
    assert.equal(typed.provider.prometheus?.query, 'x{svc="api"}');
  });

  it('names the argument and the field path when one is unresolved', () => {
    const out = substituteArgs({ provider: { web: { headers: [{ key: 'A', value: 'Bearer {{args.token}}' }] } } }, {});
    assert.ok(out instanceof UnresolvedArgError);
    assert.equal(out.message, "unresolved argument 'token' in provider.web.headers[0].value");
  });

  describe('resolveArgs', () => {
    const signal = new AbortController().signal;
    const resolver: ArgValueResolver = {
      resolve: async (arg) => (arg.valueFrom?.secretKeyRef ? 's3cret-token' : 'default/ns'),
    };

    it('takes values, resolves valueFrom and marks Secrets', async () => {
      const out = await resolveArgs(
        [
          { name: 'svc', value: 'api' },
          { name: 'token', valueFrom: { secretKeyRef: { name: 'prom', key: 'token' } } },
          { name: 'ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        ],
        resolver,
        signal,
      );
      assert.ok(!(out instanceof UnresolvedArgError));
      assert.deepEqual(out.values, { svc: 'api', token: 's3cret-token', ns: 'default/ns' });
      assert.deepEqual([...out.secretNames], ['token']);
      assert.deepEqual(secretValues(out), ['s3cret-token']);
    });

    it('reports an argument with no value', async () => {
      const out = await resolveArgs([{ name: 'service-name' }], resolver, signal);
      assert.ok(out instanceof UnresolvedArgError);
      assert.equal(out.message, "argument 'service-name' has no value");
    });
  });
});
