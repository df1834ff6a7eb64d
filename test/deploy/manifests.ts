/**
 * The manifests in deploy/, as a user would apply them: every `*.yaml` file in name order, every
 * document in each. Also the RBAC objects and the controller Deployment picked out of them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { BindingObject, RoleObject } from './rbac.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEPLOY_DIR = join(ROOT, 'deploy');
export const CRDS_DIR = join(ROOT, 'crds');
export const FIXTURES_DIR = fileURLToPath(new URL('./fixtures/', import.meta.url));

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A manifest and where it came from. */
export interface Manifest {
  file: string;
  object: Obj;
}

/** The `*.yaml` files `kubectl apply -f deploy/` reads, in its order (by name). */
export function manifestFiles(dir = DEPLOY_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
}

/** Every object in deploy/, in apply order. */
export function loadManifests(dir = DEPLOY_DIR): Manifest[] {
  const out: Manifest[] = [];
  for (const file of manifestFiles(dir)) {
    for (const doc of YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      const object = doc.toJS() as Obj | null;
      if (object) out.push({ file, object });
    }
  }
  return out;
}

/** The RBAC objects of deploy/. */
export function rbacOf(manifests: Manifest[]): { roles: RoleObject[]; bindings: BindingObject[] } {
  const objs = manifests.map((m) => m.object);
  return {
    roles: objs.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole') as RoleObject[],
    bindings: objs.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') as BindingObject[],
  };
}

/** The one object of `kind` (and `name`, when given); throws when there is not exactly one. */
export function only(manifests: Manifest[], kind: string, name?: string): Obj {
  const found = manifests.filter((m) => m.object.kind === kind && (name === undefined || m.object.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''} in deploy/, found ${found.length}`);
  return found[0]!.object;
}

/** The REST path of an object's collection (built-in kinds and the ones the tests register). */
export function collectionPath(obj: Obj, namespace?: string): string {
  const [group, version] = String(obj.apiVersion).includes('/') ? String(obj.apiVersion).split('/') : ['', String(obj.apiVersion)];
  const plural = `${String(obj.kind).toLowerCase()}${/s$/.test(String(obj.kind)) ? 'es' : 's'}`;
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}`;
}
