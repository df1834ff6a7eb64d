/**
 * The user-facing commands, with Argo Rollouts' verbs (`kubectl argo rollouts ...` becomes
 * `kubectl sluice ...`): get, status, list, promote, abort, retry, pause, resume, restart,
 * set image, undo, terminate. Each parses its flags and calls an operation from src/ops.
 */
import {
  abortRollouts,
  getRollout,
  listRollouts,
  parseImageArg,
  pauseRollouts,
  promoteRollout,
  restartRollout,
  resumeRollouts,
  retryRollouts,
  rolloutStatus,
  setRolloutImage,
  terminateAnalysisRuns,
  undoRollout,
} from '../ops/index.js';
import { durationArg, kubeCommand, typedCommand, type KubeCommandOptions } from './kube.js';
import { ExitCodes, UsageError, type Command } from './io.js';

const ROLLOUT_NAMES = ['rollout', 'rollouts', 'ro'] as const;

function names(positionals: readonly string[]): string[] {
  return [...positionals];
}

function first(positionals: readonly string[]): string {
  return positionals[0] ?? '';
}

/** Builds every rollout command (a clock other than the wall clock for tests). */
export function rolloutCommands(options: KubeCommandOptions = {}): Record<string, Command> {
  const getRolloutCmd = kubeCommand(
    {
      name: 'get rollout',
      args: 'ROLLOUT_NAME',
      summary: 'show a rollout: status, step, weights, replicas, ReplicaSets, analysis, conditions',
      flags: { watch: { kind: 'boolean', short: 'w', help: 'redraw on every change (until interrupted)' } },
      minArgs: 1,
      maxArgs: 1,
      async run(args, ctx) {
        await getRollout(ctx, first(args.positionals), { watch: args.flags['watch'] === 'true' });
        return ExitCodes.ok;
      },
    },
    options,
  );
  const status = kubeCommand(
    {
      name: 'status',
      args: 'ROLLOUT_NAME',
      summary: 'wait for a rollout to be Healthy (exit 0) or Degraded (exit 1)',
      flags: {
        watch: { kind: 'boolean', short: 'w', help: 'watch until Healthy or Degraded (default true; --watch=false prints once)' },
        timeout: { kind: 'string', short: 't', help: 'give up (exit 1) after this long, e.g. 60s or 5m (default: wait forever)' },
      },
      minArgs: 1,
      maxArgs: 1,
      async run(args, ctx, io) {
        const timeoutMs = durationArg('timeout', args.flags['timeout']);
        const name = first(args.positionals);
        const outcome = await rolloutStatus(ctx, name, { watch: args.flags['watch'] !== 'false', ...(timeoutMs ? { timeoutMs } : {}) });
        if (outcome === 'Healthy') return ExitCodes.ok;
        if (outcome === 'Degraded') {
          io.stderr.write(`error: rollout "${name}" is Degraded\n`);
          return ExitCodes.failure;
        }
        if (outcome === 'TimedOut') {
          io.stderr.write(`error: rollout "${name}" did not become Healthy within ${args.flags['timeout'] ?? ''}\n`);
          return ExitCodes.failure;
        }
        return io.signal.aborted ? ExitCodes.failure : ExitCodes.ok;
      },
    },
    options,
  );
  const listRolloutsCmd = kubeCommand(
    {
      name: 'list rollouts',
      args: '',
      summary: 'list rollouts: strategy, status, step, weight, replicas',
      flags: { 'all-namespaces': { kind: 'boolean', short: 'A', help: 'list rollouts in every namespace' } },
      minArgs: 0,
      maxArgs: 0,
      async run(args, ctx) {
        await listRollouts(ctx, { allNamespaces: args.flags['all-namespaces'] === 'true' });
        return ExitCodes.ok;
      },
    },
    options,
  );
  const promote = kubeCommand(
    {
      name: 'promote',
      args: 'ROLLOUT_NAME',
      summary: 'promote a paused rollout (or skip the current step); --full skips every remaining step',
      flags: { full: { kind: 'boolean', help: 'skip the remaining steps, analyses and pauses (status.promoteFull)' } },
      minArgs: 1,
      maxArgs: 1,
      async run(args, ctx) {
        await promoteRollout(ctx, first(args.positionals), { full: args.flags['full'] === 'true' });
        return ExitCodes.ok;
      },
    },
    options,
  );
  const multi = (name: string, summary: string, op: typeof abortRollouts): Command =>
    kubeCommand(
      {
        name,
        args: 'ROLLOUT_NAME...',
        summary,
        minArgs: 1,
        maxArgs: Number.MAX_SAFE_INTEGER,
        async run(args, ctx) {
          await op(ctx, names(args.positionals));
          return ExitCodes.ok;
        },
      },
      options,
    );
  const restart = kubeCommand(
    {
      name: 'restart',
      args: 'ROLLOUT_NAME',
      summary: 'restart the pods of a rollout (spec.restartAt)',
      flags: { in: { kind: 'string', short: 'i', help: 'restart after this long, e.g. 10s (default now)' } },
      minArgs: 1,
      maxArgs: 1,
      async run(args, ctx) {
        const inMs = durationArg('in', args.flags['in']);
        await restartRollout(ctx, first(args.positionals), { inMs: inMs ?? 0, inText: args.flags['in'] ?? '0s' });
        return ExitCodes.ok;
      },
    },
    options,
  );
  const setImage = kubeCommand(
    {
      name: 'set image',
      args: 'ROLLOUT_NAME CONTAINER=IMAGE',
      summary: 'update the image of a container of a rollout (CONTAINER * updates all)',
      minArgs: 2,
      maxArgs: 2,
      async run(args, ctx) {
        const [name = '', pair = ''] = args.positionals;
        const parsed = parseImageArg(pair);
        if (!parsed) throw new UsageError(`'${pair}' is not CONTAINER=IMAGE`);
        await setRolloutImage(ctx, name, parsed.container, parsed.image);
        return ExitCodes.ok;
      },
    },
    options,
  );
  const undo = kubeCommand(
    {
      name: 'undo',
      args: 'ROLLOUT_NAME',
      summary: "roll back to the previous revision's pod template (or --to-revision N)",
      flags: { 'to-revision': { kind: 'string', help: 'the revision to go back to (default: the previous one)' } },
      minArgs: 1,
      maxArgs: 1,
      async run(args, ctx) {
        const raw = args.flags['to-revision'];
        if (raw !== undefined && !/^\d+$/.test(raw)) throw new UsageError(`--to-revision must be a revision number (got '${raw}')`);
        await undoRollout(ctx, first(args.positionals), { toRevision: raw === undefined ? 0 : Number(raw) });
        return ExitCodes.ok;
      },
    },
    options,
  );
  const terminate = kubeCommand(
    {
      name: 'terminate analysisrun',
      args: 'ANALYSISRUN_NAME...',
      summary: 'stop an AnalysisRun early (spec.terminate)',
      minArgs: 1,
      maxArgs: Number.MAX_SAFE_INTEGER,
      async run(args, ctx) {
        await terminateAnalysisRuns(ctx, names(args.positionals));
        return ExitCodes.ok;
      },
    },
    options,
  );
  return {
    get: typedCommand('get', 'show a rollout (get rollout NAME)', [{ names: ROLLOUT_NAMES, command: getRolloutCmd }]),
    status,
    list: typedCommand('list', 'list rollouts (list rollouts [-A])', [{ names: ROLLOUT_NAMES, command: listRolloutsCmd }]),
    promote,
    abort: multi('abort', 'abort a rollout: all traffic back to stable (status.abort)', abortRollouts),
    retry: typedCommand('retry', 'retry an aborted rollout (retry rollout NAME)', [
      { names: ROLLOUT_NAMES, command: multi('retry rollout', 'retry an aborted rollout (status.abort: false)', retryRollouts) },
    ]),
    pause: multi('pause', 'pause a rollout (spec.paused)', pauseRollouts),
    resume: multi('resume', 'resume a paused rollout (spec.paused: false, pause conditions cleared)', resumeRollouts),
    restart,
    set: typedCommand('set', 'update a rollout (set image NAME CONTAINER=IMAGE)', [{ names: ['image'], command: setImage }]),
    undo,
    terminate: typedCommand('terminate', 'terminate an AnalysisRun (terminate analysisrun NAME)', [{ names: ['analysisrun', 'analysisruns', 'ar'], command: terminate }]),
  };
}
