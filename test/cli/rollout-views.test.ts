/**
 * The read commands (get rollout, list rollouts, status) and promote/abort/retry with the
 * controller running in-process against the local cluster: the output a person reads, the
 * exit codes, and the watches (status returns when the controller makes the rollout Healthy).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canaryRollout, createRollout, eventually, getRollout, startController, startEnv, stopEnv, type Env, type Obj } from '../e2e/support.js';
import { captured, kubeconfigFile, runCli } from './support.js';
import { main } from '../../src/cli/index.js';

/**
 * A canary whose progress deadline survives the controller's time scale (x1000 here: the
 * default 600s would be 0.6s, and a slow machine would see the rollout go Degraded).
 */
function slowDeadline(ro: Obj): Obj {
  ro['spec'].progressDeadlineSeconds = 100_000;
  return ro;
}

/** The value after `Key:` on the get page. */
function field(page: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}:\\s+(.*)$`, 'm').exec(page)?.[1];
}

describe('cli: get rollout, list rollouts, status (controller running)', function () {
  this.timeout(60_000);
  let env: Env;
  let kc: string;
  let web: Server;
  let webUrl: string;
  const sluice = (...argv: string[]) => runCli([...argv, '--kubeconfig', kc]);
  const steps = [{ setWeight: 25 }, { pause: {} }, { setWeight: 50 }, { pause: { duration: '10s' } }];

  before(async () => {
    env = await startEnv();
    kc = kubeconfigFile(env.cluster);
    await startController(env);
    web = createServer((_req, res) => res.end(JSON.stringify({ ok: 1 })));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  });
  after(async () => {
    web.close();
    await stopEnv(env);
  });

  it('status waits for Healthy (exit 0); get rollout shows status, step, weights, replicas, ReplicaSets, conditions', async () => {
    await createRollout(env, slowDeadline(canaryRollout('web', steps)));
    const st = await sluice('status', 'web', '--timeout', '20s');
    assert.equal(st.code, 0, st.err);
    assert.match(st.out, /(^|\n)Healthy\n$/);

    const page = (await sluice('get', 'rollout', 'web')).out;
    assert.equal(field(page, 'Name'), 'web');
    assert.equal(field(page, 'Namespace'), 'default');
    assert.equal(field(page, 'Status'), 'Healthy - the current revision is fully promoted and available');
    assert.equal(field(page, 'Strategy'), 'Canary');
    assert.equal(field(page, 'Step'), '4/4 done');
    assert.equal(field(page, 'SetWeight'), '100');
    assert.equal(field(page, 'Images'), 'app:v1 (stable)');
    assert.equal(field(page, 'Desired'), '4');
    assert.equal(field(page, 'Available'), '4');
    assert.match(page, /ReplicaSets:\n\s+REVISION\s+HASH\s+ROLE\s+READY\s+AVAILABLE\s+IMAGES\n\s+1\s+\S+\s+stable\s+4\/4\s+4\s+app:v1\n/);
    assert.match(page, /AnalysisRuns:\n\s+\(none running\)/);
    assert.match(page, /\n\s+Ready\s+True\s/);
    assert.deepEqual(await sluice('get', 'ro', 'web'), { code: 0, out: page, err: '' }, 'alias ro');
  });

  it('list rollouts: Argo\'s columns; -A adds NAMESPACE and lists every namespace', async () => {
    const r = await sluice('list', 'rollouts');
    assert.equal(r.code, 0);
    const [header, ...rows] = r.out.trimEnd().split('\n');
    assert.deepEqual(header?.split(/\s+/), ['NAME', 'STRATEGY', 'STATUS', 'STEP', 'SET-WEIGHT', 'READY', 'DESIRED', 'UP-TO-DATE', 'AVAILABLE']);
    assert.deepEqual(rows.find((l) => l.startsWith('web '))?.split(/\s+/), ['web', 'Canary', 'Healthy', '4/4', '100', '4/4', '4', '4', '4']);

    await env.core.createNamespace({ body: { metadata: { name: 'team' } } });
    await createRollout(env, slowDeadline(canaryRollout('api', [])), 'team');
    await eventually(async () => (await getRollout(env, 'api', 'team')).status?.phase === 'Healthy', 'api Healthy');
    const all = await sluice('list', 'rollouts', '-A');
    const lines = all.out.trimEnd().split('\n');
    assert.equal(lines[0]?.split(/\s+/)[0], 'NAMESPACE');
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3)), [['default', 'web', 'Canary'], ['team', 'api', 'Canary']]);
    assert.deepEqual(await sluice('list', 'rollouts', '-n', 'team'), { code: 0, out: (await sluice('list', 'ro', '--namespace=team')).out, err: '' });
    assert.deepEqual(await sluice('list', 'rollouts', '-n', 'empty'), { code: 0, out: 'No resources found in empty namespace.\n', err: '' });
  });

  it('a new revision pauses at step 1: status --watch=false, get shows the step and both ReplicaSets; --timeout runs out (exit 1)', async () => {
    assert.equal((await sluice('set', 'image', 'web', 'app=app:v2')).code, 0);
    await eventually(async () => (await getRollout(env, 'web')).status?.phase === 'Paused', 'paused');
    assert.deepEqual(await sluice('status', 'web', '--watch=false'), { code: 0, out: 'Paused - CanaryPauseStep: paused until promoted\n', err: '' });

    const page = (await sluice('get', 'rollout', 'web')).out;
    assert.equal(field(page, 'Status'), 'Paused - CanaryPauseStep: paused until promoted');
    assert.equal(field(page, 'Step'), '1/4 pause (until promoted)');
    assert.equal(field(page, 'SetWeight'), '25');
    assert.match(page, /Images:\s+app:v1 \(stable\)\n\s+app:v2 \(canary\)\n/);
    assert.match(page, /\n\s+2\s+\S+\s+canary\s+1\/1\s+1\s+app:v2\n\s+1\s+\S+\s+stable\s+3\/3\s+3\s+app:v1\n/);

    const t = await sluice('status', 'web', '--timeout', '300ms');
    assert.equal(t.code, 1);
    assert.equal(t.out, 'Paused - CanaryPauseStep: paused until promoted\n');
    assert.equal(t.err, 'error: rollout "web" did not become Healthy within 300ms\n');
  });

  it('promote: the controller advances; a watching status returns 0 on Healthy', async () => {
    const watching = sluice('status', 'web');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await sluice('promote', 'web'), { code: 0, out: "rollout 'web' promoted\n", err: '' });
    const st = await watching;
    assert.equal(st.code, 0, st.err);
    const lines = st.out.trimEnd().split('\n');
    assert.equal(lines[0], 'Paused - CanaryPauseStep: paused until promoted');
    assert.equal(lines.at(-1), 'Healthy');
    assert.equal(new Set(lines).size, lines.length, 'a line only when it changes');
    assert.equal((await getRollout(env, 'web')).spec.template.spec.containers[0].image, 'app:v2');
  });

  it('abort: status exits 1 on Degraded; retry rollout and promote --full bring it to Healthy', async () => {
    assert.equal((await sluice('set', 'image', 'web', 'app=app:v3')).code, 0);
    await eventually(async () => (await getRollout(env, 'web')).status?.phase === 'Paused', 'paused on v3');
    assert.equal((await sluice('abort', 'web')).code, 0);
    const st = await sluice('status', 'web', '--timeout', '20s');
    assert.equal(st.code, 1);
    assert.match(st.out, /(^|\n)Degraded - .+\n$/);
    assert.equal(st.err, 'error: rollout "web" is Degraded\n');
    assert.match(field((await sluice('get', 'rollout', 'web')).out, 'Status') ?? '', /^Degraded - /);

    assert.equal((await sluice('retry', 'rollout', 'web')).code, 0);
    await eventually(async () => (await getRollout(env, 'web')).status?.phase === 'Paused', 'paused again after retry');
    assert.equal((await sluice('promote', 'web', '--full')).out, "rollout 'web' fully promoted\n");
    assert.equal((await sluice('status', 'web', '--timeout', '20s')).code, 0);
    assert.equal(field((await sluice('get', 'rollout', 'web')).out, 'Images'), 'app:v3 (stable)');
  });

  it('get rollout --watch redraws on every change until interrupted', async () => {
    const ctl = new AbortController();
    const c = captured();
    const done = main(['get', 'rollout', 'web', '-w', '--kubeconfig', kc], { stdout: c.stdout, stderr: c.stderr, env: {}, signal: ctl.signal });
    await eventually(async () => c.out().includes('Status:         Healthy'), 'first frame');
    assert.equal((await sluice('set', 'image', 'web', 'app=app:v4')).code, 0);
    await eventually(async () => c.out().includes('1/4 pause (until promoted)') && c.out().includes('app:v4 (canary)'), 'a redrawn frame at the pause');
    ctl.abort();
    assert.equal(await done, 0);
    const frames = c.out().split(/\n(?=Name:)/);
    assert.ok(frames.length >= 2, `${frames.length} frames`);
    assert.equal(c.err(), '');
    assert.equal((await sluice('promote', 'web', '--full')).code, 0);
    assert.equal((await sluice('status', 'web', '--timeout', '20s')).code, 0);
  });

  it('a bake with analysis: get shows `bake 12h (ends in …)` and the run\'s last measurement; terminate analysisrun stops it', async () => {
    await env.custom.createNamespacedCustomObject({
      group: 'sluice.dev',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'analysistemplates',
      body: {
        apiVersion: 'sluice.dev/v1alpha1',
        kind: 'AnalysisTemplate',
        metadata: { name: 'ok' },
        spec: { metrics: [{ name: 'ok-ratio', interval: '10m', successCondition: 'result == 1', provider: { web: { url: webUrl, jsonPath: '{$.ok}' } } }] },
      },
    });
    await createRollout(env, slowDeadline(canaryRollout('baker', [{ setWeight: 50 }, { bake: { duration: '12h', analysis: { templates: [{ templateName: 'ok' }] } } }])));
    await eventually(async () => (await getRollout(env, 'baker')).status?.phase === 'Healthy', 'baker Healthy');
    assert.equal((await sluice('set', 'image', 'baker', 'app=app:v2')).code, 0);
    let last = '';
    const page = await eventually(async () => {
      const p = (last = (await sluice('get', 'rollout', 'baker')).out);
      return /Step:\s+1\/2 bake 12h \(ends in [0-9hms]+, analysis \S+\)/.test(p) && /ok-ratio\s+\S+\s+1 \(Successful/.test(p) && p;
    }, 'bake with a measurement').catch((err: Error) => assert.fail(`${err.message}\n${last}`));
    const run = /AnalysisRuns:\n\s+(\S+) \(bake\): (\w+)/.exec(page);
    assert.ok(run?.[1], page);
    assert.equal(run[2], 'Running');
    assert.deepEqual(await sluice('terminate', 'analysisrun', run[1]), { code: 0, out: `analysisrun '${run[1]}' terminated\n`, err: '' });
    const ar = (await env.custom.getNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: 'default', plural: 'analysisruns', name: run[1] })) as { spec: { terminate?: boolean } };
    assert.equal(ar.spec.terminate, true);
  });
});
