/**
 * Argument parsing for the kubectl-style commands: positionals, long flags (`--name value`,
 * `--name=value`), short aliases (`-n value`, `-A`), booleans (`--watch`, `--watch=false`).
 * Every mistake is a {@link UsageError} naming the flag, so the command prints one line and
 * exits 2.
 */
import { UsageError } from './io.js';

/** One flag: its kind, an optional one-letter alias and a line of help. */
export interface ArgFlag {
  readonly kind: 'string' | 'boolean';
  readonly short?: string;
  readonly help: string;
}

/** Flags by long name. */
export type ArgSpec = Readonly<Record<string, ArgFlag>>;

/** Parsed arguments: flag values as strings (booleans as 'true'/'false'), and positionals. */
export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | undefined>>;
  readonly positionals: readonly string[];
}

/** The flags every command that talks to a cluster takes (as `kubectl` has them). */
export const KUBE_FLAGS = {
  kubeconfig: { kind: 'string', help: 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, then in-cluster)' },
  context: { kind: 'string', help: 'kubeconfig context to use (default: current-context)' },
  namespace: { kind: 'string', short: 'n', help: "namespace (default: the context's namespace, else default)" },
  help: { kind: 'boolean', short: 'h', help: 'print this help' },
} as const satisfies ArgSpec;

/** Parses `argv` against `spec`. `--` ends the flags. */
export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const flags: Record<string, string | undefined> = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, f] of Object.entries(spec)) if (f.short) byShort.set(f.short, name);
  const allowed = Object.entries(spec)
    .map(([n, f]) => (f.short ? `-${f.short}/--${n}` : `--${n}`))
    .join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq > 0 ? arg.slice(0, eq) : arg;
    const name = written.startsWith('--') ? written.slice(2) : written.length === 2 ? byShort.get(written.slice(1)) : undefined;
    const f = name === undefined ? undefined : spec[name];
    if (name === undefined || !f) throw new UsageError(`unknown flag ${written}; allowed: ${allowed}`);
    let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (f.kind === 'boolean') {
      value ??= 'true';
      if (value !== 'true' && value !== 'false') throw new UsageError(`${written} must be true or false (got '${value}')`);
    } else if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`flag ${written} needs a value`);
      if (value.startsWith('-') && value.length > 1) throw new UsageError(`flag ${written} needs a value; write ${written}=<value> for a value that starts with '-'`);
    }
    flags[name] = value;
  }
  return { flags, positionals };
}

/** Usage text: the synopsis, then one line per flag. */
export function argsUsage(synopsis: string, spec: ArgSpec): string {
  const label = (n: string, f: ArgFlag): string => `${f.short ? `-${f.short}, ` : '    '}--${n}${f.kind === 'string' ? ' <value>' : ''}`;
  const rows = Object.entries(spec).map(([n, f]) => [label(n, f), f.help] as const);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [`usage: ${synopsis}`, '', 'flags:', ...rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`)].join('\n');
}
