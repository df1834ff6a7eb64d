/**
 * deploy/ applies to a cluster as written: every object is created through the API and reads
 * back with every field it was written with; `kubectl apply -f deploy/` and the kustomization
 * do the same with kubectl (skipped loudly where kubectl is not on PATH); and the controller
 * Deployment says what the controller needs (flags that parse, probes on the ports the flags
 * open, a grace period longer than the shutdown timeout, a restricted security context).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { RealClock } from '../../src/clock/index.js';
import { parseControllerFlags } from '../../src/cli/controller.js';
import { ApiClients } from '../../src/controller/index.js';
import { sendJson } from '../../src/controller/rest.js';
import { installCrdsFromDir, startLocalCluster, type LocalCluster } from '../../src/local/index.js';
import { which } from '../support/requires.js';
import { CRDS_DIR, DEPLOY_DIR, FIXTURES_DIR, collectionPath, loadManifests, manifestFiles, only, type Obj } from './manifests.js';

/** `actual` holds every field of `expected` with the same value (the server may add more). */
function assertContains(actual: unknown, expected: unknown, where: string): void {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual), `${where}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertContains((actual as Obj)[k], v, `${where}.${k}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${where}: expected ${expected.length} items, got ${JSON.stringify(actual)}`);
    expected.forEach((v, i) => assertContains(actual[i], v, `${where}[${i}]`));
    return;
  }
  assert.deepEqual(actual, expected, where);
}

function objectUrl(obj: Obj): string {
  return `${collectionPath(obj, obj.metadata.namespace)}/${obj.metadata.name}`;
}

async function freshCluster(): Promise<LocalCluster> {
  const cluster = await startLocalCluster({ simulate: false });
  // The local cluster serves no RBAC kinds: register them so the RBAC manifests can be stored.
  await installCrdsFromDir(cluster.kubeConfig, FIXTURES_DIR);
  return cluster;
}

function kubectl(kubeconfig: string, args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'sluice-kubectl-'));
  return new Promise((resolve) => {
    const child = execFile('kubectl', args, { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home, KUBECACHEDIR: join(home, 'cache') }, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

describe('deploy/: the manifests', function () {
  this.timeout(60_000);
  const manifests = loadManifests();
  const deployment = only(manifests, 'Deployment', 'sluice-controller');
  const pod = deployment.spec.template.spec as Obj;
  const container = (pod.containers as Obj[]).find((c) => c.name === 'controller') as Obj;

  it('are the objects the controller needs, in an order kubectl can apply', () => {
    const kinds = manifests.map((m) => `${m.object.kind}/${m.object.metadata.namespace ? `${m.object.metadata.namespace}/` : ''}${m.object.metadata.name}`);
    assert.deepEqual(kinds, [
      'Namespace/sluice-system',
      'ServiceAccount/sluice-system/sluice-controller',
      'ClusterRole/sluice-controller',
      'ClusterRoleBinding/sluice-controller',
      'Role/sluice-system/sluice-controller-leader-election',
      'RoleBinding/sluice-system/sluice-controller-leader-election',
      'Deployment/sluice-system/sluice-controller',
      'Service/sluice-system/sluice-controller-metrics',
    ]);
  });

  it('every object is created through the API and reads back as written', async () => {
    const cluster = await freshCluster();
    try {
      const clients = new ApiClients({ kubeConfig: cluster.kubeConfig, clock: new RealClock(), qps: 0 });
      for (const { file, object } of manifests) {
        const ns = object.metadata.namespace as string | undefined;
        await sendJson(clients, 'POST', collectionPath(object, ns), { body: object });
        const back = await sendJson<Obj>(clients, 'GET', objectUrl(object));
        assertContains(back, object, `${file}: ${object.kind}/${object.metadata.name}`);
      }
    } finally {
      await cluster.stop();
    }
  });

  describe('with kubectl', () => {
    let cluster: LocalCluster;
    let kubeconfig: string;

    before(async function () {
      if (!which('kubectl')) {
        process.stderr.write('\n!!!!!!!! SKIPPING kubectl apply of deploy/: kubectl not found on PATH (install it from https://kubernetes.io/docs/tasks/tools/) !!!!!!!!\n\n');
        this.skip();
      }
      cluster = await freshCluster();
      kubeconfig = join(mkdtempSync(join(tmpdir(), 'sluice-deploy-')), 'kubeconfig');
      await cluster.writeKubeconfig(kubeconfig);
    });
    after(async () => cluster?.stop());

    it('kubectl apply -f deploy/ creates every object, and they read back as written', async () => {
      const applied = await kubectl(kubeconfig, ['apply', '-f', DEPLOY_DIR]);
      assert.equal(applied.code, 0, `kubectl apply -f deploy/ failed: ${applied.stderr}`);
      for (const { object } of manifests) {
        const ref = `${String(object.kind).toLowerCase()}${object.apiVersion.includes('/') ? `.${object.apiVersion.split('/')[0]}` : ''}/${object.metadata.name}`;
        assert.match(applied.stdout, new RegExp(`^${ref.replace(/[.]/g, '\\.')} created$`, 'm'), `kubectl created ${ref}`);
      }
      const got = await kubectl(kubeconfig, ['get', '-f', DEPLOY_DIR, '-o', 'json']);
      assert.equal(got.code, 0, got.stderr);
      const items = (JSON.parse(got.stdout) as { items?: Obj[] }).items ?? [JSON.parse(got.stdout) as Obj];
      assert.equal(items.length, manifests.length);
      manifests.forEach(({ file, object }, i) => assertContains(items[i], object, `${file} (kubectl get)`));
    });

    it('the kustomization (deploy/Kustomization) builds the CRDs and every manifest, and applies', async () => {
      const kustomization = YAML.parse(readFileSync(join(DEPLOY_DIR, 'Kustomization'), 'utf8')) as { resources: string[] };
      assert.deepEqual(kustomization.resources, ['../crds', ...manifestFiles()], 'the kustomization lists ../crds and every manifest, in order');
      // `../crds` is a kustomize directory only once crds/ has a Kustomization. Until it does,
      // build from a copy of the tree that adds one.
      let root = join(DEPLOY_DIR, '..');
      const crdKustomization = ['Kustomization', 'kustomization.yaml', 'kustomization.yml'].find((f) => existsSync(join(CRDS_DIR, f)));
      if (!crdKustomization) {
        process.stderr.write('\n!!!!!!!! crds/ has no Kustomization: `kubectl apply -k deploy/` fails until it has one; building from a copy that adds it !!!!!!!!\n\n');
        root = mkdtempSync(join(tmpdir(), 'sluice-kustomize-'));
        cpSync(DEPLOY_DIR, join(root, 'deploy'), { recursive: true });
        cpSync(CRDS_DIR, join(root, 'crds'), { recursive: true });
        const crdFiles = readdirSync(CRDS_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
        writeFileSync(join(root, 'crds', 'Kustomization'), YAML.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: crdFiles }));
      }
      const built = await kubectl(kubeconfig, ['kustomize', join(root, 'deploy')]);
      assert.equal(built.code, 0, `kubectl kustomize deploy/ failed: ${built.stderr}`);
      const docs = YAML.parseAllDocuments(built.stdout).map((d) => d.toJS() as Obj);
      const crdNames = docs.filter((d) => d.kind === 'CustomResourceDefinition').map((d) => d.metadata.name as string).sort();
      assert.deepEqual(crdNames, ['analysisruns.sluice.dev', 'analysistemplates.sluice.dev', 'clusteranalysistemplates.sluice.dev', 'rollouts.sluice.dev']);
      const others = docs.filter((d) => d.kind !== 'CustomResourceDefinition');
      assert.equal(others.length, manifests.length);
      for (const { file, object } of manifests) {
        const twin = others.find((d) => d.kind === object.kind && d.metadata.name === object.metadata.name);
        assertContains(twin, object, `${file} (kustomize)`);
      }
      const applied = await kubectl(kubeconfig, ['apply', '-k', join(root, 'deploy')]);
      assert.equal(applied.code, 0, `kubectl apply -k deploy/ failed: ${applied.stderr}`);
      assert.match(applied.stdout, /^customresourcedefinition\.apiextensions\.k8s\.io\/rollouts\.sluice\.dev created$/m);
    });
  });

  it('the Deployment runs `sluice controller` with flags that parse, as two leader-elected replicas', () => {
    assert.equal(deployment.spec.replicas, 2);
    const flags = parseControllerFlags(container.args as string[], { POD_NAMESPACE: deployment.metadata.namespace });
    assert.equal(flags.leaderElect, true);
    assert.equal(flags.leaseNamespace, 'sluice-system');
    assert.equal(flags.leaseName, undefined, 'the default Lease name, sluice-controller');
    assert.equal(flags.namespace, undefined, 'watches all namespaces (the ClusterRole)');
    const leaseRole = only(manifests, 'Role', 'sluice-controller-leader-election');
    assert.equal(leaseRole.metadata.namespace, flags.leaseNamespace, 'the Lease Role is in the lease namespace');
    assert.ok((leaseRole.rules as Obj[]).some((r) => (r.resourceNames ?? []).includes('sluice-controller')), 'the Lease Role names the default Lease');
    // The leader identity: POD_NAME from the downward API.
    const env = new Map((container.env as Obj[]).map((e) => [e.name as string, e]));
    assert.deepEqual(env.get('POD_NAME')?.valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
    // Probes and ports match what the flags open.
    const ports = new Map((container.ports as Obj[]).map((p) => [p.name as string, p.containerPort as number]));
    assert.equal(ports.get('metrics'), flags.metricsPort);
    assert.equal(ports.get('health'), flags.healthPort);
    assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'health' });
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'health' });
    const svc = only(manifests, 'Service', 'sluice-controller-metrics');
    assert.equal(svc.spec.ports[0].targetPort, 'metrics');
    assertContains(deployment.spec.template.metadata.labels, svc.spec.selector, 'the metrics Service selects the controller pods');
    // Shutdown: drain for --shutdown-timeout, release the Lease, then exit; before SIGKILL.
    const graceMs = (pod.terminationGracePeriodSeconds as number) * 1000;
    assert.ok(graceMs > flags.shutdownTimeoutMs && graceMs <= flags.shutdownTimeoutMs + 10_000, `grace ${graceMs}ms is a bit longer than --shutdown-timeout ${flags.shutdownTimeoutMs}ms`);
    // The identity the RBAC is bound to.
    const sa = only(manifests, 'ServiceAccount');
    assert.equal(pod.serviceAccountName, sa.metadata.name);
    for (const b of manifests.filter((m) => m.object.kind.endsWith('Binding')).map((m) => m.object)) {
      assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }], `${b.kind} ${b.metadata.name} binds the controller's ServiceAccount`);
    }
  });

  it('the controller pod is locked down: non-root, read-only root, no capabilities, RuntimeDefault seccomp, bounded resources', () => {
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
    const sc = container.securityContext as Obj;
    assert.equal(sc.runAsNonRoot, true);
    assert.equal(sc.readOnlyRootFilesystem, true);
    assert.equal(sc.allowPrivilegeEscalation, false);
    assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
    assert.equal(sc.seccompProfile.type, 'RuntimeDefault');
    for (const k of ['cpu', 'memory']) {
      assert.ok(container.resources.requests[k], `requests.${k}`);
      assert.ok(container.resources.limits[k], `limits.${k}`);
    }
    assert.match(container.image, /^ghcr\.io\/sluice\/sluice:/);
  });

  it('the Dockerfile builds dist/ on node:20-slim and runs the controller through bin/sluice.js', () => {
    const df = readFileSync(join(DEPLOY_DIR, 'Dockerfile'), 'utf8');
    assert.match(df, /^FROM node:20-slim AS build$/m);
    assert.match(df, /^RUN npm run build$/m);
    assert.match(df, /^RUN npm ci --omit=dev/m);
    assert.match(df, /^USER 1000:1000$/m);
    // dist/cli/main.js exports the CLI without running it; bin/sluice.js runs it.
    assert.match(df, /^ENTRYPOINT \["node", "bin\/sluice\.js", "controller"\]$/m);
    assert.ok(existsSync(join(DEPLOY_DIR, '..', 'bin', 'sluice.js')));
  });
});
