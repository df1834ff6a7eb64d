/**
 * Label selectors as Kubernetes evaluates them: equality terms (a Service's `spec.selector` map)
 * and set-based expressions (In, NotIn, Exists, DoesNotExist), evaluated against a label map.
 */
import { rec } from './resources.js';

/** A parsed selector: every term must hold. */
export interface Selector {
  /** Exact `key=value` terms (usable with a label index). */
  readonly equals: ReadonlyArray<readonly [string, string]>;
  /** Every term, as a predicate over labels. */
  matches(labels: Record<string, string> | undefined): boolean;
  /** True when the selector selects nothing (an empty or invalid LabelSelector on a workload). */
  readonly empty: boolean;
}

interface Expr {
  key: string;
  operator: string;
  values: string[];
}

function build(equals: Array<[string, string]>, exprs: Expr[]): Selector {
  return {
    equals,
    empty: equals.length === 0 && exprs.length === 0,
    matches(labels) {
      const l = labels ?? {};
      for (const [k, v] of equals) if (l[k] !== v) return false;
      for (const e of exprs) {
        const has = Object.prototype.hasOwnProperty.call(l, e.key);
        const val = l[e.key];
        switch (e.operator) {
          case 'In':
            if (!has || val === undefined || !e.values.includes(val)) return false;
            break;
          case 'NotIn':
            if (has && val !== undefined && e.values.includes(val)) return false;
            break;
          case 'Exists':
            if (!has) return false;
            break;
          case 'DoesNotExist':
            if (has) return false;
            break;
          default:
            return false;
        }
      }
      return true;
    },
  };
}

/** Parses a Service's `spec.selector` (a plain label map). */
export function mapSelector(sel: unknown): Selector {
  const equals = Object.entries(rec(sel)).filter((e): e is [string, string] => typeof e[1] === 'string');
  return build(equals, []);
}
