/**
 * The router examples are ready to apply: every Rollout parses, every object is accepted by the
 * local cluster, and the routers built from each Rollout validate cleanly and shift traffic.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, type V1Service } from '@kubernetes/client-node';
import YAML from 'yaml';
import { parseRollout } from '../../src/api/index.js';
import { createRouters, type KubeObject } from '../../src/traffic/index.js';
import { create, signal, startBench, type Bench } from './support.js';

const FOLDERS = ['istio', 'nginx', 'gateway-api', 'smi', 'basic'];

async function load(folder: string): Promise<KubeObject[]> {
  const dir = join('examples', folder);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  const docs: KubeObject[] = [];
  for (const f of files) for (const d of YAML.parseAllDocuments(await readFile(join(dir, f), 'utf8'))) docs.push(d.toJS() as KubeObject);
  return docs;
}

describe('examples/<router> (local cluster)', function () {
  this.timeout(60_000);
  let bench: Bench;
  before(async () => {
    bench = await startBench();
  });
  after(async () => bench?.stop());

  for (const folder of FOLDERS) {
    it(`${folder}: README, a parsing Rollout, objects accepted, routers validate and shift traffic`, async () => {
      assert.ok((await readFile(join('examples', folder, 'README.md'), 'utf8')).length > 200);
      const docs = await load(folder);
      const rolloutDoc = docs.find((d) => d.kind === 'Rollout');
      assert.ok(rolloutDoc, 'a Rollout');
      const parsed = parseRollout(rolloutDoc);
      assert.ok(parsed.ok, JSON.stringify(!parsed.ok && parsed.errors));
      const canary = parsed.value.spec.strategy.canary;
      assert.ok(canary, 'a canary strategy');
      assert.ok(JSON.stringify(canary.steps).includes('templateName'), 'an AnalysisTemplate reference');
      for (const d of docs) {
        if (d.kind === 'Service') await bench.cluster.kubeConfig.makeApiClient(CoreV1Api).createNamespacedService({ namespace: 'shop', body: d as V1Service });
        else if (d.kind !== 'Rollout') await create(bench, d);
      }
      const created = await create(bench, rolloutDoc);
      const routers = createRouters(canary.trafficRouting, bench.ctx({
        rolloutName: created.metadata.name ?? '',
        rolloutUid: created.metadata.uid ?? '',
        canaryService: canary.canaryService ?? '',
        stableService: canary.stableService ?? '',
        maxWeight: canary.trafficRouting?.maxTrafficWeight ?? 100,
      }));
      assert.equal(routers.length, folder === 'basic' ? 0 : 1);
      for (const r of routers) {
        assert.deepEqual(await r.validate(signal), []);
        await r.setWeight(10, signal);
        assert.equal(await r.verifyWeight(10, signal), true);
        await r.setWeight(0, signal);
        await r.finalize(signal);
      }
    });
  }
});
