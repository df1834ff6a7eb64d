import assert from 'node:assert/strict';
import { normalizeJsonPath, selectJsonPath } from '../../src/analysis/providers/jsonpath.js';
import { WebProvider } from '../../src/analysis/providers/web.js';
import type { MeasurementPhase, MetricSpec, WebSpec } from '../../src/analysis/types.js';
import { FakeServer, type Reply } from './fake-http.js';

const NOW = Date.UTC(2026, 0, 1);

describe('analysis/providers/web', () => {
  let server: FakeServer;
  const provider = new WebProvider();
  const signal = new AbortController().signal;

  before(async () => {
    server = await new FakeServer().start();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  function metric(successCondition: string, web: Partial<WebSpec> = {}): MetricSpec {
    return { name: 'web', successCondition, provider: { web: { url: `${server.url}/check?svc=api`, ...web } } };
  }

  const payload = { data: { ok: true, successPercent: 0.95, count: '42', items: [{ v: 1 }, { v: 2 }] } };
  const cases: Record<string, { reply: Reply; cond: string; web?: Partial<WebSpec>; phase: MeasurementPhase; value?: string; message?: string | RegExp }> = {
    'jsonPath to a boolean': { reply: { json: payload }, cond: 'result == true', web: { jsonPath: '{$.data.ok}' }, phase: 'Successful', value: 'true' },
    'jsonPath to an object': {
      reply: { json: payload },
      cond: 'result.ok && result.successPercent >= 0.90',
      web: { jsonPath: '{$.data}' },
      phase: 'Successful',
    },
    'kubectl-style leading dot': { reply: { json: payload }, cond: 'result >= 0.9', web: { jsonPath: '{.data.successPercent}' }, phase: 'Successful', value: '0.95' },
    'string value with asInt': { reply: { json: payload }, cond: 'asInt(result) == 42', web: { jsonPath: '{$.data.count}' }, phase: 'Successful', value: '42' },
    'several matches become an array': {
      reply: { json: payload },
      cond: 'all(result, # > 0)',
      web: { jsonPath: '{$.data.items[*].v}' },
      phase: 'Successful',
      value: '[1,2]',
    },
    'no jsonPath: the whole body': { reply: { json: { ok: false } }, cond: 'result.ok', phase: 'Failed' },
    'path matching nothing: Error': {
      reply: { json: payload },
      cond: 'result',
      web: { jsonPath: '{$.data.missing}' },
      phase: 'Error',
      message: /jsonPath \{\$\.data\.missing\} matched nothing/,
    },
    'non-2xx: Error with status and body snippet': {
      reply: { status: 503, json: { status: 'down' } },
      cond: 'result',
      phase: 'Error',
      message: `web GET ${'URL'}/check: HTTP 503: {"status":"down"}`,
    },
    'non-JSON body: Error': { reply: { text: 'hello' }, cond: 'result', phase: 'Error', message: /response is not JSON: hello/ },
    'GET with a body: Error': { reply: { json: {} }, cond: 'result', web: { body: 'x' }, phase: 'Error', message: 'provider.web: a GET request cannot have a body' },
    'body and jsonBody: Error': {
      reply: { json: {} },
      cond: 'result',
      web: { method: 'POST', body: 'x', jsonBody: { a: 1 } },
      phase: 'Error',
      message: 'provider.web: set body or jsonBody, not both',
    },
    'bad method: Error': { reply: { json: {} }, cond: 'result', web: { method: 'DELETE' }, phase: 'Error', message: /must be GET, POST or PUT/ },
  };
  for (const [name, tc] of Object.entries(cases)) {
    it(name, async () => {
      server.handler = () => tc.reply;
      const m = await provider.measure(metric(tc.cond, tc.web), { now: NOW }, signal);
      assert.equal(m.phase, tc.phase, m.message);
      if (tc.value !== undefined) assert.equal(m.value, tc.value);
      if (typeof tc.message === 'string') assert.equal(m.message, tc.message.replace('URL', server.url));
      else if (tc.message) assert.match(m.message ?? '', tc.message);
    });
  }

  it('POSTs a jsonBody with headers and a JSON content type', async () => {
    server.handler = () => ({ json: { ok: true } });
    const m = await provider.measure(
      metric('result.ok', { method: 'POST', jsonBody: { service: 'api', window: '5m' }, headers: [{ key: 'Authorization', value: 'Bearer t0ken-abc' }] }),
      { now: NOW, secrets: ['t0ken-abc'] },
      signal,
    );
    assert.equal(m.phase, 'Successful');
    const r = server.requests[0];
    assert.equal(r?.method, 'POST');
    assert.equal(r?.headers['content-type'], 'application/json');
    assert.equal(r?.headers['authorization'], 'Bearer t0ken-abc');
    assert.deepEqual(JSON.parse(r?.body ?? ''), { service: 'api', window: '5m' });
  });

  it('PUTs a raw body as given', async () => {
    server.handler = () => ({ json: true });
    await provider.measure(metric('result', { method: 'put', body: 'a=1', headers: [{ key: 'Content-Type', value: 'text/plain' }] }), { now: NOW }, signal);
    assert.equal(server.requests[0]?.method, 'PUT');
    assert.equal(server.requests[0]?.body, 'a=1');
    assert.equal(server.requests[0]?.headers['content-type'], 'text/plain');
  });

  it('times out after timeoutSeconds', async () => {
    server.handler = () => ({ json: true, delayMs: 2000 });
    const m = await provider.measure(metric('result', { timeoutSeconds: 0.2 }), { now: NOW }, signal);
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, `web GET request to ${server.url}/check timed out after 0.2s`);
  });

  it('unreachable: Error', async () => {
    const m = await provider.measure(
      { name: 'w', successCondition: 'result', provider: { web: { url: 'http://127.0.0.1:1/x' } } },
      { now: NOW },
      signal,
    );
    assert.equal(m.phase, 'Error');
    assert.equal(m.message, 'web GET unreachable at http://127.0.0.1:1/x: ECONNREFUSED');
  });

  describe('jsonPath normalisation', () => {
    const cases: Record<string, string | null> = {
      '{$.data.ok}': '$.data.ok',
      '{.data.ok}': '$.data.ok',
      '$.data': '$.data',
      ' { $.a[0] } ': '$.a[0]',
      '{$.a': null,
      'data.ok': null,
    };
    for (const [input, want] of Object.entries(cases)) {
      it(`${JSON.stringify(input)} -> ${String(want)}`, () => {
        if (want === null) assert.throws(() => normalizeJsonPath(input));
        else assert.equal(normalizeJsonPath(input), want);
      });
    }

    it('supports filters without eval', () => {
      const sel = selectJsonPath({ items: [{ n: 'a', v: 1 }, { n: 'b', v: 2 }] }, '{$.items[?(@.n == "b")].v}');
      assert.deepEqual(sel, { found: true, value: 2 });
    });
  });
});
