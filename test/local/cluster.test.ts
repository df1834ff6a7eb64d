// startLocalCluster wiring: the injected clock, the simulation, kubeconfig output, stop.
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, Watch } from '@kubernetes/client-node';
import YAML from 'yaml';
import { FakeClock } from '../../src/clock/index.js';
import { startLocalCluster } from '../../src/local/index.js';
import { eventually } from './support/cluster.js';

describe('startLocalCluster', () => {
  it('stamps objects with the injected clock and fires bookmarks on it', async () => {
    const clock = new FakeClock(Date.UTC(2026, 5, 1, 12, 0, 0));
    const cluster = await startLocalCluster({ clock, simulate: false, bookmarkIntervalMs: 60_000 });
    try {
      const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
      const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'clocked' } } });
      assert.equal(cm.metadata?.creationTimestamp?.toISOString(), '2026-06-01T12:00:00.000Z');
      const types: string[] = [];
      const ctl = await new Watch(cluster.kubeConfig).watch('/api/v1/namespaces/default/configmaps', { allowWatchBookmarks: true, resourceVersion: cm.metadata?.resourceVersion }, (t) => types.push(t), () => undefined);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(types.length, 0);
      clock.advance(60_000);
      await eventually(() => types.includes('BOOKMARK'), 3000, 'a bookmark after advancing the clock');
      ctl.abort();
    } finally {
      await cluster.stop();
    }
  });

  it('runs the simulation by default: a Deployment gets pods', async function () {
    this.timeout(20_000);
    const cluster = await startLocalCluster({ podReadyDelayMs: 10 });
    try {
      const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
      await apps.createNamespacedDeployment({
        namespace: 'default',
        body: { metadata: { name: 'sim' }, spec: { replicas: 2, selector: { matchLabels: { app: 'sim' } }, template: { metadata: { labels: { app: 'sim' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } } },
      });
      const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
      await eventually(async () => (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=sim' })).items.length === 2, 10_000, 'two pods');
    } finally {
      await cluster.stop();
    }
  });

  it('writes a kubeconfig with the CA, a token user and the URL; stop is idempotent', async () => {
    const cluster = await startLocalCluster({ simulate: false });
    const file = join(await mkdtemp(join(tmpdir(), 'sluice-kc-')), 'config');
    await cluster.writeKubeconfig(file);
    const kc = YAML.parse(await readFile(file, 'utf8')) as {
      clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
      users: Array<{ user: { token: string } }>;
    };
    assert.equal(kc.clusters[0]?.cluster.server, cluster.url);
    assert.match(Buffer.from(kc.clusters[0]?.cluster['certificate-authority-data'] ?? '', 'base64').toString(), /BEGIN CERTIFICATE/);
    assert.ok((kc.users[0]?.user.token ?? '').length >= 32);
    assert.equal(cluster.kubeconfigYaml(), await readFile(file, 'utf8'));
    await cluster.stop();
    await cluster.stop();
    await assert.rejects(cluster.kubeConfig.makeApiClient(CoreV1Api).listNamespace());
  });
});
