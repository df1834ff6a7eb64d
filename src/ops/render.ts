/** Text views of rollouts: the `get rollout` page and the `list rollouts` table. Pure. */
import type { RolloutDetails } from './details.js';
import type { RolloutSummary } from './summary.js';

/** Lays out rows as columns separated by two spaces (like kubectl). */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}

function weightText(s: RolloutSummary): string {
  if (!s.actualWeight) return '-';
  const v = s.actualWeight.verified === undefined ? '' : s.actualWeight.verified ? ' (verified)' : ' (not verified)';
  return `canary ${s.actualWeight.canary}, stable ${s.actualWeight.stable}${v}`;
}

/** The `get rollout` page. */
export function renderRolloutDetails(d: RolloutDetails): string {
  const s = d.summary;
  const field = (k: string, v: string, indent = ''): string => `${(k ? `${indent}${k}:` : '').padEnd(16)}${v}`;
  const lines = [
    field('Name', s.name),
    field('Namespace', s.namespace),
    field('Status', s.message ? `${s.phase} - ${s.message}` : s.phase),
    field('Strategy', s.strategy),
  ];
  if (s.step) lines.push(field('Step', `${s.step.index}/${s.step.total} ${s.step.text}`, '  '));
  if (s.setWeight !== undefined) lines.push(field('SetWeight', String(s.setWeight), '  '));
  if (s.strategy === 'Canary') lines.push(field('Weights', weightText(s), '  '));
  if (s.status.abort) lines.push(field('Aborted', s.status.abortedAt ?? 'yes', '  '));
  for (const e of s.specErrors) lines.push(field('InvalidSpec', e));
  const images = d.replicaSets
    .filter((rs) => rs.role !== 'old')
    .sort((a, b) => (a.role === 'stable' ? -1 : 0) - (b.role === 'stable' ? -1 : 0))
    .flatMap((rs) => rs.images.map((img) => `${img} (${rs.role})`));
  images.forEach((img, i) => lines.push(field(i === 0 ? 'Images' : '', img)));
  const r = s.replicas;
  lines.push('Replicas:', field('Desired', String(r.desired), '  '), field('Current', String(r.current), '  '), field('Updated', String(r.updated), '  '), field('Ready', String(r.ready), '  '), field('Available', String(r.available), '  '));
  lines.push('', 'ReplicaSets:');
  if (d.replicaSets.length === 0) lines.push('  (none)');
  else {
    const rows = d.replicaSets.map((rs) => [String(rs.revision ?? '-'), rs.hash || '-', rs.role, `${rs.ready}/${rs.desired}`, String(rs.available), rs.images.join(',')]);
    lines.push(...table(['REVISION', 'HASH', 'ROLE', 'READY', 'AVAILABLE', 'IMAGES'], rows).map((l) => `  ${l}`));
  }
  lines.push('', 'AnalysisRuns:');
  if (d.analysisRuns.length === 0) lines.push('  (none running)');
  for (const run of d.analysisRuns) {
    lines.push(`  ${run.name} (${run.role}): ${run.phase}${run.message ? ` - ${run.message}` : ''}`);
    if (run.metrics.length > 0) lines.push(...table(['METRIC', 'PHASE', 'LAST MEASUREMENT', 'COUNTS'], run.metrics.map((m) => [m.name, m.phase, m.last, m.counts])).map((l) => `    ${l}`));
  }
  lines.push('', 'Conditions:');
  if (s.status.conditions.length === 0) lines.push('  (none)');
  else lines.push(...table(['TYPE', 'STATUS', 'REASON', 'MESSAGE'], s.status.conditions.map((c) => [c.type, c.status, c.reason || '-', c.message])).map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

/** Columns of `list rollouts` (Argo's). */
export const LIST_COLUMNS = ['NAME', 'STRATEGY', 'STATUS', 'STEP', 'SET-WEIGHT', 'READY', 'DESIRED', 'UP-TO-DATE', 'AVAILABLE'] as const;

/** The `list rollouts` table (with a NAMESPACE column first when `allNamespaces`). */
export function renderRolloutList(summaries: readonly RolloutSummary[], allNamespaces: boolean): string {
  const rows = summaries.map((s) => [
    ...(allNamespaces ? [s.namespace] : []),
    s.name,
    s.strategy,
    s.phase,
    s.step ? `${s.step.index}/${s.step.total}` : '-',
    s.setWeight === undefined ? '-' : String(s.setWeight),
    `${s.replicas.ready}/${s.replicas.current}`,
    String(s.replicas.desired),
    String(s.replicas.updated),
    String(s.replicas.available),
  ]);
  return `${table([...(allNamespaces ? ['NAMESPACE'] : []), ...LIST_COLUMNS], rows).join('\n')}\n`;
}
