/** Helpers to load the templates in examples/analysis with their args substituted. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseAnalysisTemplate } from '../../src/api/parse.js';
import { substituteArgs, UnresolvedArgError } from '../../src/analysis/args.js';
import type { MetricSpec } from '../../src/analysis/types.js';

/** The examples folder. */
export const EXAMPLES_DIR = path.resolve('examples/analysis');

/** Loads an example template with every arg lacking a default set to `value-of-<name>`. */
export function loadExample(file: string, overrides: Record<string, string> = {}): MetricSpec[] {
  const r = parseAnalysisTemplate(parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')));
  if (!r.ok) assert.fail(`${file}: ${JSON.stringify(r.errors)}`);
  const values: Record<string, string> = {};
  for (const a of r.value.spec.args) values[a.name] = overrides[a.name] ?? a.value ?? `value-of-${a.name}`;
  return r.value.spec.metrics.map((m) => {
    const s = substituteArgs(m, values);
    if (s instanceof UnresolvedArgError) assert.fail(`${file}: ${s.message}`);
    return s;
  });
}

