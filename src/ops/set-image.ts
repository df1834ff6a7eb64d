/**
 * `set image <rollout> <container>=<image>`: as Argo's plugin, reads the Rollout (or, with
 * `spec.workloadRef`, the Deployment it points to), sets the image of every init, regular and
 * ephemeral container with that name (`*`: all), and writes the object back with its
 * resourceVersion, retrying a lost race up to 5 times.
 */
import { ConflictError, toApiError } from '../controller/index.js';
import { CliResources, type CliResource, type KubeObject } from './client.js';
import type { OpsContext } from './context.js';
import { OpsError, describeError } from './errors.js';

const MAX_ATTEMPTS = 5;
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

function rec(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

/** Sets `image` on the matching containers of `obj.spec.template`, in place; returns how many matched. */
export function setTemplateImage(obj: KubeObject, container: string, image: string): number {
  const podSpec = rec(rec(rec(obj['spec'])['template'])['spec']);
  let matched = 0;
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) {
      const ctr = rec(c);
      if (container === '*' || ctr['name'] === container) {
        ctr['image'] = image;
        matched++;
      }
    }
  }
  return matched;
}

/** Parses `<container>=<image>`; undefined when malformed. */
export function parseImageArg(arg: string): { container: string; image: string } | undefined {
  const parts = arg.split('=');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { container: parts[0], image: parts[1] };
}

/** Updates the image; returns the kind and name written (`rollout`/`deployment`). */
export async function setRolloutImage(ctx: OpsContext, name: string, container: string, image: string): Promise<{ kind: string; name: string }> {
  const ns = ctx.client.namespace;
  let target: { r: CliResource; name: string } = { r: CliResources.rollouts, name };
  for (let attempt = 1; ; attempt++) {
    try {
      const ro = await ctx.client.get(CliResources.rollouts, name, ctx.signal);
      const ref = rec(rec(ro['spec'])['workloadRef']);
      let obj = ro;
      if (typeof ref['name'] === 'string') {
        target = { r: CliResources.deployments, name: ref['name'] };
        obj = await ctx.client.get(CliResources.deployments, ref['name'], ctx.signal);
      }
      if (setTemplateImage(obj, container, image) === 0) {
        throw new OpsError(`${target.r.kind} "${target.name}" has no container named "${container}"`);
      }
      await ctx.client.put(target.r, target.name, obj, ctx.signal);
      ctx.out.write(`${target.r.kind} "${target.name}" image updated\n`);
      return { kind: target.r.kind, name: target.name };
    } catch (err) {
      if (toApiError(err) instanceof ConflictError && attempt < MAX_ATTEMPTS) continue;
      throw describeError(err, ctx.client.server, { kind: target.r.kind, name: target.name, namespace: ns });
    }
  }
}
