/**
 * Service selectors against the local cluster, with a cache that lags the API server: the
 * informer may not have seen the controller's own last write when the next plan comes.
 */
import assert from 'node:assert/strict';
import type { V1Service } from '@kubernetes/client-node';
import { RealClock } from '../../src/clock/index.js';
import { ApiClients } from '../../src/controller/index.js';
import { sendJson } from '../../src/controller/rest.js';
import type { LocalCluster } from '../../src/local/index.js';
import { syncSelectors } from '../../src/rollout/index.js';
import { cluster } from '../controller/helpers.js';

const HASH = 'rollouts-pod-template-hash';

describe('rollout: Service selectors with a lagging cache', function () {
  this.timeout(20_000);
  let c: LocalCluster;
  let clients: ApiClients;
  let patches = 0;
  const signal = new AbortController().signal;
  /** What the informer would hold: set by hand to play a stale cache. */
  const cache = new Map<string, V1Service>();
  const services = { get: (ns: string, name: string) => cache.get(`${ns}/${name}`) };

  before(async () => {
    c = await cluster();
    clients = new ApiClients({ kubeConfig: c.kubeConfig, clock: new RealClock(), qps: 0 });
  });
  after(async () => c?.stop());

  async function service(name: string, hash: string): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'web', [HASH]: hash }, ports: [{ port: 80 }] } };
    await sendJson(clients, 'POST', '/api/v1/namespaces/default/services', { body, signal });
  }
  async function selector(name: string): Promise<string | undefined> {
    const svc = await sendJson<V1Service>(clients, 'GET', `/api/v1/namespaces/default/services/${name}`, { signal });
    return svc.spec?.selector?.[HASH];
  }

  it('points a Service back even when the cache still shows the target hash', async () => {
    await service('web-canary', 'stable1');
    cache.set('default/web-canary', { spec: { selector: { [HASH]: 'stable1' } } });
    const written = new Map<string, string>();
    const ctx = { clients, services, written };
    // Start of the canary: the Service moves to the canary pods; the cache does not see it yet.
    await syncSelectors(ctx, 'default', { canaryService: 'web-canary' }, { canaryHash: 'canary2', stableHash: 'stable1' }, signal);
    assert.equal(await selector('web-canary'), 'canary2');
    // Abort: the plan wants stable1 again, and the stale cache says it is already there.
    await syncSelectors(ctx, 'default', { canaryService: 'web-canary' }, { canaryHash: 'stable1', stableHash: 'stable1' }, signal);
    assert.equal(await selector('web-canary'), 'stable1', 'the canary Service went back to stable');
  });

  it('writes nothing when the cache and the last write agree', async () => {
    await service('web-stable', 'a');
    cache.set('default/web-stable', { spec: { selector: { [HASH]: 'a' } } });
    const written = new Map([['default/web-stable', 'a']]);
    // Each write reads ctx.clients once: count the reads.
    const counted = { get clients() { patches++; return clients; }, services, written };
    patches = 0;
    await syncSelectors(counted, 'default', { stableService: 'web-stable' }, { canaryHash: 'b', stableHash: 'a' }, signal);
    assert.equal(patches, 0);
    // A selector changed by someone else (the cache shows it) is put back.
    cache.set('default/web-stable', { spec: { selector: { [HASH]: 'x' } } });
    await syncSelectors(counted, 'default', { stableService: 'web-stable' }, { canaryHash: 'b', stableHash: 'a' }, signal);
    assert.equal(patches, 1);
    assert.equal(await selector('web-stable'), 'a');
  });
});
