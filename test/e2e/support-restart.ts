/**
 * Kill/restart support: `sluice controller` as a real child process ({@link compiledSluice}) against
 * the in-process local cluster through a kubeconfig file, SIGKILLed and started again while a
 * rollout runs; and the checks that no action was repeated.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analysisRuns, reasons, replicaSets, type RouteWatch } from './support-routers.js';
import { getRollout, patchRollout, type Env, type Obj } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let compiled: Promise<string> | undefined;

/**
 * The `sluice` command as plain JavaScript: every file of src/ transpiled (as ts-node's
 * transpile-only mode does, and as `npm run build` would emit it) into a temporary directory
 * that links this repository's node_modules, plus a launcher that does what bin/sluice.js does
 * with dist/. A process then starts in about a second instead of compiling TypeScript for
 * seconds on every restart. Done once per test process; returns the launcher's path.
 */
export function compiledSluice(): Promise<string> {
  compiled ??= (async () => {
    const ts = (await import('typescript')).default;
    const out = mkdtempSync(join(tmpdir(), 'sluice-bin-'));
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    const walk = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [join(dir, d.name)] : []));
    for (const rel of walk('src')) {
      const { outputText } = ts.transpileModule(readFileSync(join(ROOT, rel), 'utf8'), {
        fileName: rel,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      mkdirSync(dirname(join(out, rel)), { recursive: true });
      writeFileSync(join(out, rel.replace(/\.ts$/, '.js')), outputText);
    }
    writeFileSync(join(out, 'package.json'), readFileSync(join(ROOT, 'package.json')));
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    const launcher = join(out, 'sluice.mjs');
    writeFileSync(launcher, "const { runProcess } = await import('./src/cli/main.js');\nawait runProcess(process.argv.slice(2));\n");
    return launcher;
  })();
  return compiled;
}

/** One `sluice controller` process at a time; {@link kill} SIGKILLs it, {@link start} starts the next. */
export class ControllerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log = '';
  /** How many processes were started. */
  starts = 0;

  constructor(
    private readonly bin: string,
    private readonly kubeconfig: string,
    private readonly timeScale: number,
  ) {}

  /** Writes the cluster's kubeconfig to a temporary file and returns a process handle (not started). */
  static async forEnv(env: Env, timeScale: number): Promise<ControllerProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'kubeconfig');
    await env.cluster.writeKubeconfig(file);
    return new ControllerProcess(await compiledSluice(), file, timeScale);
  }

  start(): void {
    assert.equal(this.child, undefined, 'one controller at a time');
    const args = ['controller', '--kubeconfig', this.kubeconfig, '--time-scale', String(this.timeScale), '--leader-elect=false', '--metrics-port', '0', '--health-port', '0', '--log-level', 'info'];
    const child = spawn(process.execPath, [this.bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.starts++;
    const n = this.starts;
    this.partial = '';
    child.stdout?.on('data', (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-20_000);
      this.collect(d.toString());
    });
    child.stderr?.on('data', (d: Buffer) => (this.log = (this.log + `[${n} stderr] ${d.toString()}`).slice(-20_000)));
    this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
    this.child = child;
  }

  /**
   * SIGKILL now, synchronously (from a watch callback, to land in the middle of a reconcile);
   * {@link killed} then says so until the next {@link kill}/{@link start}. False when not running.
   */
  killNow(): boolean {
    if (!this.running()) return false;
    this.child!.kill('SIGKILL');
    this.requested = true;
    return true;
  }

  /** True after {@link killNow}, until the process is started again. */
  killed(): boolean {
    return this.requested;
  }

  private requested = false;

  /** SIGKILL: no shutdown, no cleanup; resolves when the process is gone. */
  async kill(): Promise<void> {
    const c = this.child;
    this.requested = false;
    if (!c) return;
    this.child = undefined;
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await this.exited;
  }

  /** True while the current process runs (it did not exit on its own). */
  running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Every JSON log line the processes wrote so far. */
  logLines(): Array<Record<string, unknown>> {
    return this.lines;
  }

  private lines: Array<Record<string, unknown>> = [];
  private partial = '';

  private collect(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) {
      try {
        this.lines.push(JSON.parse(p) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  }

  /** The tail of the processes' output, for failure messages. */
  tail(chars = 3000): string {
    return this.log.slice(-chars);
  }
}

/** What {@link driveWithKills} did. */
export interface KillRecord {
  /** Rollout state (`step <i> <phase>`) at each SIGKILL. */
  killedAt: string[];
}

/**
 * Drives the rollout `app` (already updated to a new revision `canaryHash`) to `done`,
 * SIGKILLing the controller and starting a new one each time the rollout reaches a step it was
 * not killed at yet (and once more mid-analysis, when `midRun` says so). A `pause: {}` step is
 * promoted the way `kubectl sluice promote` does. Bounded by `timeoutMs`.
 */
export async function driveWithKills(
  env: Env,
  proc: ControllerProcess,
  app: string,
  canaryHash: string,
  opts: {
    indefinitePauses: number[];
    done: (ro: Obj) => boolean;
    midRun?: (ro: Obj) => Promise<boolean>;
    timeoutMs?: number;
    /**
     * `status` (default): kill as soon as the status shows a new step, which may fall between
     * the status write and the Events that follow it. `events`: kill once the Events of the new
     * step (its StepStarted) are recorded too.
     */
    killAfter?: 'status' | 'events';
    /**
     * Also SIGKILL the moment this watch sees a canary weight it has not seen before: the
     * controller dies in the middle of its reconcile, after the router write and (usually)
     * before the status write.
     */
    killOnRouterWrites?: RouteWatch;
  },
): Promise<KillRecord> {
  const killedAt: string[] = [];
  const rw = opts.killOnRouterWrites;
  if (rw) {
    const weights = new Set(rw.seen.flatMap((x) => (x === 'deleted' ? [] : [x.canary])));
    rw.onSeen = (x) => {
      if (x === 'deleted' || weights.has(x.canary)) return;
      weights.add(x.canary);
      if (proc.killNow()) killedAt.push(`router weight ${x.canary} written`);
    };
  }
  try {
    return await drive(env, proc, app, canaryHash, opts, killedAt);
  } finally {
    if (rw) rw.onSeen = undefined;
  }
}

async function drive(env: Env, proc: ControllerProcess, app: string, canaryHash: string, opts: Parameters<typeof driveWithKills>[4], killedAt: string[]): Promise<KillRecord> {
  const killedSteps = new Set<number>();
  let midRunKilled = false;
  const promoted = new Set<number>();
  const firstSeen = new Map<number, number>();
  const end = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (Date.now() > end) throw new Error(`rollout ${app} did not finish; kills at ${killedAt.join(', ')}\n${proc.tail()}`);
    if (proc.killed()) {
      await proc.kill();
      proc.start();
      continue;
    }
    if (!proc.running()) {
      await proc.kill();
      throw new Error(`controller exited by itself\n${proc.tail()}`);
    }
    const ro = await getRollout(env, app);
    const st = ro.status ?? {};
    if (st.currentPodHash === canaryHash) {
      if (opts.done(ro)) return { killedAt };
      const idx = st.currentStepIndex as number;
      let kill = false;
      if (!killedSteps.has(idx)) {
        if (opts.killAfter === 'events') {
          firstSeen.set(idx, firstSeen.get(idx) ?? proc.starts);
          const restartedSince = proc.starts > firstSeen.get(idx)!;
          // Still at this step once its Events are in (else look at the step it moved on to).
          const settled = (await stepStartedRecorded(env, proc, app, idx, restartedSince)) && (await getRollout(env, app)).status?.currentStepIndex === idx;
          if (!settled) {
            await new Promise((r) => setTimeout(r, 25));
            continue;
          }
        }
        killedSteps.add(idx);
        kill = true;
      } else if (!midRunKilled && opts.midRun && (await opts.midRun(ro))) {
        midRunKilled = true;
        kill = true;
      }
      if (kill) {
        killedAt.push(`step ${idx} ${st.phase}${st.bake ? ' (baking)' : ''}`);
        if (process.env['SLUICE_E2E_DEBUG']) process.stderr.write(`${new Date().toISOString()} kill at ${killedAt[killedAt.length - 1]}\n`);
        await proc.kill();
        proc.start();
        continue;
      }
      if (st.phase === 'Paused' && opts.indefinitePauses.includes(idx) && !promoted.has(idx)) {
        promoted.add(idx);
        await patchRollout(env, app, { status: { pauseConditions: null } }, { status: true });
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * True once the reconcile that started step `idx` has finished: its StepStarted Event is in the
 * API and the controller logged its events (it logs them after the last Event is written, so
 * every Event of that reconcile, e.g. a BakeStarted after the StepStarted, is recorded), or the
 * process that wrote them is gone.
 */
async function stepStartedRecorded(env: Env, proc: ControllerProcess, app: string, idx: number, restartedSince: boolean): Promise<boolean> {
  const { stepStarted, byReason } = await eventCounts(env, app);
  // A process killed (by this driver) after its Events but before its log line never logs it.
  const logged = (reason: string, msg: string): boolean =>
    restartedSince || proc.logLines().some((l) => l['name'] === app && l['reason'] === reason && String(l['msg']).startsWith(msg));
  // The last step's completion has no StepStarted after it; RolloutCompleted follows instead.
  if (byReason.has('RolloutCompleted')) return logged('RolloutCompleted', '');
  return stepStarted.has(idx) && logged('StepStarted', `step ${idx}:`);
}

/** Counts `StepCompleted` events by step index, and the other reasons by name. */
export async function eventCounts(env: Env, app: string): Promise<{ stepCompleted: Map<number, number>; stepStarted: Map<number, number>; byReason: Map<string, number> }> {
  const stepCompleted = new Map<number, number>();
  const stepStarted = new Map<number, number>();
  const byReason = new Map<string, number>();
  for (const e of await reasons(env, app)) {
    byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
    const i = Number(/^step (\d+):/.exec(e.message)?.[1]);
    if (e.reason === 'StepCompleted') stepCompleted.set(i, (stepCompleted.get(i) ?? 0) + 1);
    if (e.reason === 'StepStarted') stepStarted.set(i, (stepStarted.get(i) ?? 0) + 1);
  }
  return { stepCompleted, stepStarted, byReason };
}

/**
 * Asserts that no step completed or started twice, by Events (`exactly`: every step 0..n-1
 * has exactly one of each). Returns the count of every reason.
 */
export async function assertEachStepOnce(env: Env, app: string, n: number, exactly: boolean): Promise<Map<string, number>> {
  const { stepCompleted, stepStarted, byReason } = await eventCounts(env, app);
  const all = (await reasons(env, app)).map((e) => `${e.reason}: ${e.message}`).join('\n  ');
  for (let i = 0; i < n; i++) {
    for (const [what, m] of [['StepCompleted', stepCompleted], ['StepStarted', stepStarted]] as const) {
      const count = m.get(i) ?? 0;
      if (exactly) assert.equal(count, 1, `exactly one ${what} for step ${i}; events:\n  ${all}`);
      else assert.ok(count <= 1, `at most one ${what} for step ${i} (got ${count}); events:\n  ${all}`);
    }
  }
  for (const i of [...stepCompleted.keys(), ...stepStarted.keys()]) assert.ok(i >= 0 && i < n, `no Event for step ${i}, which does not exist`);
  return byReason;
}

export { analysisRuns, replicaSets };
