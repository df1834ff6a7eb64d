/** Installing CRDs from a directory of YAML files through the API. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ApiException, ApiextensionsV1Api, loadAllYaml, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';

function established(crd: V1CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
}

/**
 * Applies every CustomResourceDefinition found in the `*.yaml`/`*.yml` files of `dir` (created,
 * or replaced when it exists) and waits until each is Established (30 s at most).
 */
export async function installCrdsFromDir(kc: KubeConfig, dir: string): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const names: string[] = [];
  for (const f of files) {
    // loadAllYaml maps YAML keys (`enum`, `x-kubernetes-*`) onto client-node's typed fields; a
    // raw object would lose them in the typed client's serializer.
    const docs = loadAllYaml(await readFile(join(dir, f), 'utf8')) as unknown[];
    for (const doc of docs) {
      const crd = doc as V1CustomResourceDefinition | null;
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const name = crd.metadata?.name ?? '';
      try {
        await api.createCustomResourceDefinition({ body: crd });
      } catch (err) {
        if (!(err instanceof ApiException) || err.code !== 409) throw err;
        const live = await api.readCustomResourceDefinition({ name });
        crd.metadata = { ...crd.metadata, resourceVersion: live.metadata?.resourceVersion };
        await api.replaceCustomResourceDefinition({ name, body: crd });
      }
      names.push(name);
    }
  }
  for (const name of names) {
    for (let i = 0; ; i++) {
      if (established(await api.readCustomResourceDefinition({ name }))) break;
      if (i >= 600) throw new Error(`CRD ${name} not Established after 30s`);
      await delay(50);
    }
  }
}
