/**
 * The demo's view of a rollout as it happens: Events on the Rollout and its AnalysisRuns, the
 * weights on the VirtualService, and each analysis measurement. It polls the API (a demo
 * convenience; the controller itself never polls).
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Clock } from '../clock/index.js';
import { APP, NS } from './manifests.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class Printer {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly seenEvents = new Set<string>();
  private readonly seenMeasurements = new Set<string>();
  private lastWeights = '';

  constructor(kc: KubeConfig, private readonly clock: Clock, private readonly t0: number, private readonly say: (line: string) => void) {
    this.core = kc.makeApiClient(CoreV1Api);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  /** Prints what happens until `done(rollout)` holds; returns the Rollout then. */
  async follow(done: (ro: Obj) => boolean, timeoutMs: number): Promise<Obj> {
    const end = this.clock.now() + timeoutMs;
    for (;;) {
      const ro = (await this.custom.getNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: NS, plural: 'rollouts', name: APP })) as Obj;
      await this.printEvents();
      await this.printWeights();
      await this.printMeasurements();
      if (done(ro)) return ro;
      if (this.clock.now() > end) throw new Error(`the rollout did not get there in ${timeoutMs / 1000}s; last status: ${ro.status?.phase} ${ro.status?.message}`);
      await this.clock.sleep(100);
    }
  }

  /** `stable 95% / canary 5%` as written on the VirtualService. */
  async vsWeights(): Promise<string> {
    const vs = (await this.custom.getNamespacedCustomObject({ group: 'networking.istio.io', version: 'v1beta1', namespace: NS, plural: 'virtualservices', name: APP })) as Obj;
    const route = (vs.spec?.http?.[0]?.route ?? []) as Obj[];
    const w = (host: string): number => route.find((r) => r.destination?.host === host)?.weight ?? 0;
    return `stable ${w(`${APP}-stable`)}% / canary ${w(`${APP}-canary`)}%`;
  }

  private stamp(): string {
    return `[${((this.clock.now() - this.t0) / 1000).toFixed(1).padStart(5)}s]`;
  }

  private async printEvents(): Promise<void> {
    const events = (await this.core.listNamespacedEvent({ namespace: NS })).items
      .filter((e) => e.involvedObject.kind === 'Rollout' || e.involvedObject.kind === 'AnalysisRun')
      .sort((a, b) => Number(a.metadata?.resourceVersion ?? 0) - Number(b.metadata?.resourceVersion ?? 0));
    for (const e of events) {
      const id = e.metadata?.uid ?? '';
      if (this.seenEvents.has(id)) continue;
      this.seenEvents.add(id);
      const who = e.involvedObject.kind === 'AnalysisRun' ? 'analysis' : 'rollout ';
      this.say(`${this.stamp()} ${who} ${(e.reason ?? '').padEnd(20)} ${e.message ?? ''}`);
    }
  }

  private async printWeights(): Promise<void> {
    const w = await this.vsWeights();
    if (w === this.lastWeights) return;
    this.lastWeights = w;
    this.say(`${this.stamp()} traffic  ${'VirtualService'.padEnd(20)} ${w}`);
  }

  private async printMeasurements(): Promise<void> {
    const runs = (await this.custom.listNamespacedCustomObject({ group: 'sluice.dev', version: 'v1alpha1', namespace: NS, plural: 'analysisruns' })) as Obj;
    for (const run of (runs.items ?? []) as Obj[]) {
      for (const result of (run.status?.metricResults ?? []) as Obj[]) {
        for (const m of (result.measurements ?? []) as Obj[]) {
          const id = `${run.metadata.name}/${result.name}/${m.startedAt}`;
          if (this.seenMeasurements.has(id)) continue;
          this.seenMeasurements.add(id);
          const value = Number(m.value);
          const shown = Number.isFinite(value) ? value.toFixed(4) : m.value || '-';
          this.say(`${this.stamp()} analysis ${`${result.name} = ${shown}`.padEnd(20)} ${m.phase}${m.message ? ` (${m.message})` : ''}`);
        }
      }
    }
  }
}
