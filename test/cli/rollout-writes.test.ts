/**
 * The write commands against the local cluster with the real client: each writes exactly the
 * patch Argo Rollouts' plugin writes (read back from the API), prints Argo's line, and fails
 * with one readable line.
 */
import assert from 'node:assert/strict';
import { createRollout, canaryRollout, getRollout, patchRollout, startEnv, stopEnv, type Env, type Obj } from '../e2e/support.js';
import { FakeClock } from '../../src/clock/index.js';
import { CliClient, loadClusterTarget, restartRollout } from '../../src/ops/index.js';
import { captured, kubeconfigFile, runCli, unreachableKubeconfig } from './support.js';

describe('cli: write commands (promote, abort, retry, pause, resume, restart, set image, undo, terminate)', function () {
  this.timeout(30_000);
  let env: Env;
  let kc: string;
  const sluice = (...argv: string[]) => runCli([...argv, '--kubeconfig', kc]);

  before(async () => {
    env = await startEnv();
    kc = kubeconfigFile(env.cluster);
  });
  after(async () => stopEnv(env));

  /** Creates a 4-step canary with the given status. */
  async function rollout(name: string, status: Obj, spec: Obj = {}): Promise<void> {
    const ro = canaryRollout(name, [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '10s' } }]);
    Object.assign(ro['spec'], spec);
    await createRollout(env, ro);
    if (Object.keys(status).length > 0) await patchRollout(env, name, { status }, { status: true });
  }

  describe('promote', () => {
    it('paused by a pause step: clears status.pauseConditions (controllerPause stays, as Argo)', async () => {
      await rollout('p1', { currentStepIndex: 1, controllerPause: true, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }], currentPodHash: 'b', stableRS: 'a' });
      const r = await sluice('promote', 'p1');
      assert.deepEqual(r, { code: 0, out: "rollout 'p1' promoted\n", err: '' });
      const ro = await getRollout(env, 'p1');
      assert.equal(ro.status.pauseConditions, undefined);
      assert.equal(ro.status.controllerPause, true);
      assert.equal(ro.status.currentStepIndex, 1, 'the step index is left to the controller');
    });

    it('not paused (mid step): skips the current step with currentStepIndex+1', async () => {
      await rollout('p2', { currentStepIndex: 2, currentPodHash: 'b', stableRS: 'a' });
      assert.equal((await sluice('promote', 'p2')).code, 0);
      const ro = await getRollout(env, 'p2');
      assert.equal(ro.status.currentStepIndex, 3);
      assert.equal(ro.spec.paused, undefined, 'spec untouched when not paused');
    });

    it('past the last step: the index stays at steps.length', async () => {
      await rollout('p3', { currentStepIndex: 4 });
      assert.equal((await sluice('promote', 'p3')).code, 0);
      assert.equal((await getRollout(env, 'p3')).status.currentStepIndex, 4);
    });

    it('spec.paused: sets spec.paused false (and, with no pause condition, skips the step)', async () => {
      await rollout('p4', { currentStepIndex: 0 }, { paused: true });
      assert.equal((await sluice('promote', 'p4')).code, 0);
      const ro = await getRollout(env, 'p4');
      assert.equal(ro.spec.paused, false);
      assert.equal(ro.status.currentStepIndex, 1);
    });

    it('--full: status.promoteFull true while the canary is not stable; nothing when it is', async () => {
      await rollout('p5', { currentStepIndex: 1, currentPodHash: 'b', stableRS: 'a' });
      assert.deepEqual(await sluice('promote', 'p5', '--full'), { code: 0, out: "rollout 'p5' fully promoted\n", err: '' });
      assert.equal((await getRollout(env, 'p5')).status.promoteFull, true);
      await rollout('p6', { currentStepIndex: 4, currentPodHash: 'a', stableRS: 'a' });
      const r = await sluice('promote', 'p6', '--full');
      assert.equal(r.out, "rollout 'p6' is already fully promoted\n");
      assert.equal((await getRollout(env, 'p6')).status.promoteFull, undefined);
    });
  });

  it('abort writes status.abort true; retry rollout writes status.abort false', async () => {
    await rollout('ab', { currentStepIndex: 1, currentPodHash: 'b', stableRS: 'a' });
    assert.deepEqual(await sluice('abort', 'ab'), { code: 0, out: "rollout 'ab' aborted\n", err: '' });
    assert.equal((await getRollout(env, 'ab')).status.abort, true);
    assert.deepEqual(await sluice('retry', 'rollout', 'ab'), { code: 0, out: "rollout 'ab' retried\n", err: '' });
    assert.equal((await getRollout(env, 'ab')).status.abort, false);
    assert.equal((await sluice('retry', 'ro', 'ab')).code, 0, 'kubectl alias ro');
  });

  it('pause writes spec.paused true; resume writes spec.paused false and clears pauseConditions', async () => {
    await rollout('pz', { currentStepIndex: 1, controllerPause: true, pauseConditions: [{ reason: 'CanaryPauseStep', startTime: '2026-01-01T00:00:00Z' }] });
    await rollout('pz2', {});
    assert.deepEqual(await sluice('pause', 'pz', 'pz2'), { code: 0, out: "rollout 'pz' paused\nrollout 'pz2' paused\n", err: '' });
    assert.equal((await getRollout(env, 'pz')).spec.paused, true);
    assert.equal((await getRollout(env, 'pz2')).spec.paused, true);
    assert.deepEqual(await sluice('resume', 'pz'), { code: 0, out: "rollout 'pz' resumed\n", err: '' });
    const ro = await getRollout(env, 'pz');
    assert.equal(ro.spec.paused, false);
    assert.equal(ro.status.pauseConditions, undefined);
  });

  it('restart writes spec.restartAt = now (RFC 3339), or now + --in', async () => {
    await rollout('rs', {});
    const before = Math.floor(Date.now() / 1000) * 1000;
    assert.deepEqual(await sluice('restart', 'rs'), { code: 0, out: "rollout 'rs' restarts in 0s\n", err: '' });
    const at = Date.parse((await getRollout(env, 'rs')).spec.restartAt);
    assert.ok(at >= before && at <= Date.now(), `restartAt ${at} within the call`);
    assert.equal((await sluice('restart', 'rs', '--in', '10m')).out, "rollout 'rs' restarts in 10m\n");
    const later = Date.parse((await getRollout(env, 'rs')).spec.restartAt);
    assert.ok(later - at >= 599_000 && later - at <= 601_000 + 5_000, `10m later (${later - at}ms)`);
    assert.equal((await sluice('restart', 'rs', '--in', 'soon')).code, 2);
  });

  it('restart takes the time from the injected clock (the operation, called directly)', async () => {
    await rollout('rs2', {});
    const clock = new FakeClock(Date.parse('2026-03-01T12:00:00Z'));
    const client = new CliClient(loadClusterTarget({ kubeconfig: kc }, {}), clock);
    const c = captured();
    const at = await restartRollout({ client, out: c.stdout, clock, signal: new AbortController().signal }, 'rs2', { inMs: 30_000, inText: '30s' });
    assert.equal(at, '2026-03-01T12:00:30Z');
    assert.equal((await getRollout(env, 'rs2')).spec.restartAt, '2026-03-01T12:00:30Z');
    assert.equal(c.out(), "rollout 'rs2' restarts in 30s\n");
  });

  it('set image updates the named container (init containers too, * for all); an unknown container is an error', async () => {
    await rollout('img', {}, { template: { metadata: { labels: { app: 'img' } }, spec: { initContainers: [{ name: 'init', image: 'init:v1' }], containers: [{ name: 'app', image: 'app:v1' }, { name: 'side', image: 'side:v1' }] } } });
    assert.deepEqual(await sluice('set', 'image', 'img', 'app=app:v2'), { code: 0, out: 'rollout "img" image updated\n', err: '' });
    let spec = (await getRollout(env, 'img')).spec.template.spec;
    assert.deepEqual(spec.containers.map((c: Obj) => c.image), ['app:v2', 'side:v1']);
    assert.equal((await sluice('set', 'image', 'img', '*=all:v3')).code, 0);
    spec = (await getRollout(env, 'img')).spec.template.spec;
    assert.deepEqual([...spec.initContainers, ...spec.containers].map((c: Obj) => c.image), ['all:v3', 'all:v3', 'all:v3']);
    assert.deepEqual(await sluice('set', 'image', 'img', 'nope=x:1'), { code: 1, out: '', err: 'error: rollout "img" has no container named "nope"\n' });
    const bad = await sluice('set', 'image', 'img', 'app:v2');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /^error: 'app:v2' is not CONTAINER=IMAGE \(see 'sluice set image --help'\)\n$/);
  });

  it('set image on a rollout with spec.workloadRef updates the Deployment (as Argo)', async () => {
    await env.apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'wl' }, spec: { replicas: 0, selector: { matchLabels: { app: 'wl' } }, template: { metadata: { labels: { app: 'wl' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } } } },
    });
    await createRollout(env, {
      apiVersion: 'sluice.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'wl' },
      spec: { replicas: 1, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'wl' }, strategy: { canary: { steps: [{ setWeight: 50 }] } } },
    });
    assert.deepEqual(await sluice('set', 'image', 'wl', 'app=app:v2'), { code: 0, out: 'deployment "wl" image updated\n', err: '' });
    const d = await env.apps.readNamespacedDeployment({ name: 'wl', namespace: 'default' });
    assert.equal(d.spec?.template.spec?.containers[0]?.image, 'app:v2');
    assert.deepEqual(await sluice('undo', 'wl'), { code: 1, out: '', err: 'error: rollout "wl" takes its template from spec.workloadRef; roll back that workload instead\n' });
  });

  it('undo copies the previous revision\'s template back (JSON patch replace /spec/template, no hash label)', async () => {
    await rollout('un', {}, { template: { metadata: { labels: { app: 'un' } }, spec: { containers: [{ name: 'app', image: 'app:v2' }] } } });
    const ro = await getRollout(env, 'un');
    const owner = { apiVersion: 'sluice.dev/v1alpha1', kind: 'Rollout', name: 'un', uid: ro.metadata.uid, controller: true };
    for (const [rev, hash, image] of [['1', 'h1', 'app:v1'], ['2', 'h2', 'app:v2']] as const) {
      await env.apps.createNamespacedReplicaSet({
        namespace: 'default',
        body: {
          metadata: { name: `un-${hash}`, labels: { app: 'un', 'rollouts-pod-template-hash': hash }, annotations: { 'rollout.sluice.dev/revision': rev }, ownerReferences: [owner] },
          spec: { replicas: 0, selector: { matchLabels: { app: 'un', 'rollouts-pod-template-hash': hash } }, template: { metadata: { labels: { app: 'un', 'rollouts-pod-template-hash': hash } }, spec: { containers: [{ name: 'app', image }] } } },
        },
      });
    }
    assert.deepEqual(await sluice('undo', 'un'), { code: 0, out: "rollout 'un' undo (to revision 1)\n", err: '' });
    const t = (await getRollout(env, 'un')).spec.template;
    assert.equal(t.spec.containers[0].image, 'app:v1');
    assert.deepEqual(t.metadata.labels, { app: 'un' });
    assert.equal((await sluice('undo', 'un', '--to-revision', '1')).out, 'skipped rollback (current template already matches revision 1)\n');
    assert.equal((await sluice('undo', 'un', '--to-revision=2')).code, 0);
    assert.equal((await getRollout(env, 'un')).spec.template.spec.containers[0].image, 'app:v2');
    assert.deepEqual(await sluice('undo', 'un', '--to-revision', '9'), { code: 1, out: '', err: 'error: revision 9 not found in the history of rollout "un" (revisions: 2, 1)\n' });
    assert.equal((await sluice('undo', 'un', '--to-revision', 'last')).code, 2);
    await rollout('un2', {});
    assert.deepEqual(await sluice('undo', 'un2'), { code: 1, out: '', err: 'error: rollout "un2" has no previous revision to go back to\n' });
  });

  it('terminate analysisrun writes spec.terminate true', async () => {
    await env.custom.createNamespacedCustomObject({
      group: 'sluice.dev',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'analysisruns',
      body: { apiVersion: 'sluice.dev/v1alpha1', kind: 'AnalysisRun', metadata: { name: 'run1' }, spec: { metrics: [{ name: 'ok', provider: { prometheus: { address: 'http://prom:9090', query: 'up' } } }] } },
    });
    assert.deepEqual(await sluice('terminate', 'analysisrun', 'run1'), { code: 0, out: "analysisrun 'run1' terminated\n", err: '' });
    const run = (await env.custom.getNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'analysisruns', name: 'run1' })) as Obj;
    assert.equal(run.spec.terminate, true);
    assert.deepEqual(await sluice('terminate', 'ar', 'nope'), { code: 1, out: '', err: 'error: analysisrun "nope" not found in namespace "default"\n' });
  });

  describe('errors: one line, never a stack trace', () => {
    const notFound: Record<string, string[]> = {
      promote: ['promote', 'nope'],
      'promote --full': ['promote', 'nope', '--full'],
      abort: ['abort', 'nope'],
      retry: ['retry', 'rollout', 'nope'],
      pause: ['pause', 'nope'],
      resume: ['resume', 'nope'],
      restart: ['restart', 'nope'],
      'set image': ['set', 'image', 'nope', 'app=x:1'],
      undo: ['undo', 'nope'],
      'get rollout': ['get', 'rollout', 'nope'],
      status: ['status', 'nope'],
    };
    for (const [name, argv] of Object.entries(notFound)) {
      it(`${name}: not found → exit 1`, async () => {
        assert.deepEqual(await sluice(...argv), { code: 1, out: '', err: 'error: rollout "nope" not found in namespace "default"\n' });
      });
    }

    it('-n/--namespace names the namespace searched', async () => {
      const r = await sluice('promote', 'nope', '-n', 'team');
      assert.equal(r.err, 'error: rollout "nope" not found in namespace "team"\n');
      assert.equal((await sluice('abort', '--namespace=team', 'nope')).err, 'error: rollout "nope" not found in namespace "team"\n');
    });

    const usage: Record<string, [string[], RegExp]> = {
      'unknown flag': [['promote', 'web', '--fast'], /^error: unknown flag --fast; allowed: --full, --kubeconfig, --context, -n\/--namespace, -h\/--help \(see 'sluice promote --help'\)$/],
      'missing name': [['promote'], /^error: missing ROLLOUT_NAME \(see 'sluice promote --help'\)$/],
      'extra argument': [['promote', 'a', 'b'], /^error: unexpected argument 'b'; usage: sluice promote ROLLOUT_NAME \[flags\]/],
      'flag without value': [['get', 'rollout', 'web', '-n'], /^error: flag -n needs a value/],
      'bad boolean': [['promote', 'web', '--full=maybe'], /^error: --full must be true or false \(got 'maybe'\)/],
      'unknown resource type': [['get', 'deployment', 'web'], /^error: sluice get does not know the resource type 'deployment'; use one of: rollout$/],
      'no resource type': [['retry'], /^error: sluice retry needs a resource type: rollout/],
      'bad timeout': [['status', 'web', '--timeout', 'forever'], /^error: --timeout must be a duration such as 30s, 5m or 1h \(got 'forever'\)/],
      'unknown short flag': [['list', 'rollouts', '-x'], /^error: unknown flag -x; allowed: -A\/--all-namespaces/],
    };
    for (const [name, [argv, re]] of Object.entries(usage)) {
      it(`${name} → one line, exit 2`, async () => {
        const r = await sluice(...argv);
        assert.equal(r.code, 2, r.err);
        assert.match(r.err.trimEnd(), re);
        assert.equal(r.err.split('\n').length, 2, `one line: ${JSON.stringify(r.err)}`);
        assert.equal(r.out, '');
      });
    }

    it('an unreachable API server: one line naming the server and the cause, exit 1', async () => {
      const kcBad = unreachableKubeconfig();
      for (const argv of [['promote', 'web'], ['list', 'rollouts'], ['get', 'rollout', 'web'], ['status', 'web']]) {
        const r = await runCli([...argv, '--kubeconfig', kcBad]);
        assert.equal(r.code, 1, argv.join(' '));
        assert.match(r.err, /^error: cannot reach the API server at https:\/\/127\.0\.0\.1:1: connect ECONNREFUSED 127\.0\.0\.1:1 \(check --kubeconfig\)\n$/);
      }
    });

    it('a cluster without the CRDs: list says so in one line', async () => {
      const { startLocalCluster } = await import('../../src/local/index.js');
      const bare = await startLocalCluster({ port: 0, simulate: false });
      try {
        const r = await runCli(['list', 'rollouts', '--kubeconfig', kubeconfigFile(bare)]);
        assert.equal(r.code, 1);
        assert.equal(r.err, `error: the API server at ${bare.url} does not serve rollouts (are the Sluice CRDs installed? kubectl apply -f crds/)\n`);
      } finally {
        await bare.stop();
      }
    });

    it('a missing kubeconfig file or context: one line, exit 1', async () => {
      assert.deepEqual(await runCli(['promote', 'web', '--kubeconfig', '/nonexistent/kc']), { code: 1, out: '', err: 'error: kubeconfig /nonexistent/kc does not exist (check --kubeconfig)\n' });
      const r = await sluice('promote', 'web', '--context', 'other');
      assert.equal(r.code, 1);
      assert.match(r.err, /^error: context "other" not found in .* \(contexts: sluice-local\)\n$/);
    });

    it('the namespace defaults to the context\'s; KUBECONFIG is read', async () => {
      const r = await runCli(['promote', 'nope'], { env: { KUBECONFIG: kc } });
      assert.equal(r.err, 'error: rollout "nope" not found in namespace "default"\n');
    });

    it('--help prints the usage and exits 0', async () => {
      const r = await sluice('promote', '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, /usage: sluice promote ROLLOUT_NAME \[flags\]/);
      assert.match(r.out, /--full/);
    });
  });
});
