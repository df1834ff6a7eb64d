/**
 * Work-queue throughput: keys reconciled per second with 8 workers and trivial reconciles,
 * (1) all keys distinct and (2) dedup-heavy: many adds of few keys while they run.
 * Prints figures; asserts nothing about time.
 *
 *   node --import ./scripts/register.mjs bench/queue.bench.ts
 */
import { RealClock } from '../src/clock/index.js';
import { WorkQueue } from '../src/controller/index.js';

const clock = new RealClock();
const print = (line: string): void => void process.stdout.write(`${line}\n`);

async function distinct(keys: number): Promise<void> {
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const q = new WorkQueue({
    name: 'bench',
    clock,
    workers: 8,
    reconcile: async () => {
      if (++done === keys) finish();
    },
  });
  q.start();
  const t0 = performance.now();
  for (let i = 0; i < keys; i++) q.add(`ns/obj-${i}`);
  await finished;
  const s = (performance.now() - t0) / 1000;
  print(`distinct keys     : ${keys} keys in ${(s * 1000).toFixed(0)} ms = ${Math.round(keys / s).toLocaleString('en-US')} keys/s (8 workers)`);
  await q.shutDown();
}

async function dedupHeavy(adds: number, uniqueKeys: number): Promise<void> {
  let runs = 0;
  const q = new WorkQueue({
    name: 'bench',
    clock,
    workers: 8,
    reconcile: async () => {
      runs++;
      await new Promise((r) => setImmediate(r)); // a reconcile that yields once
    },
  });
  q.start();
  const t0 = performance.now();
  for (let i = 0; i < adds; i++) {
    q.add(`ns/obj-${i % uniqueKeys}`);
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r)); // let workers run between bursts
  }
  while (q.len() > 0 || q.active() > 0) await new Promise((r) => setImmediate(r));
  const s = (performance.now() - t0) / 1000;
  print(
    `dedup-heavy       : ${adds.toLocaleString('en-US')} adds of ${uniqueKeys} keys in ${(s * 1000).toFixed(0)} ms = ` +
      `${Math.round(adds / s).toLocaleString('en-US')} adds/s, ${runs.toLocaleString('en-US')} reconciles ` +
      `(${((1 - runs / adds) * 100).toFixed(1)}% de-duplicated, ${Math.round(runs / s).toLocaleString('en-US')} reconciles/s)`,
  );
  await q.shutDown();
}

async function yielding(keys: number): Promise<void> {
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const q = new WorkQueue({
    name: 'bench',
    clock,
    workers: 8,
    reconcile: async () => {
      await new Promise((r) => setImmediate(r));
      if (++done === keys) finish();
    },
  });
  q.start();
  const t0 = performance.now();
  for (let i = 0; i < keys; i++) q.add(`ns/obj-${i}`);
  await finished;
  const s = (performance.now() - t0) / 1000;
  print(`distinct, yielding: ${keys} keys in ${(s * 1000).toFixed(0)} ms = ${Math.round(keys / s).toLocaleString('en-US')} keys/s (8 workers, one event-loop turn each)`);
  await q.shutDown();
}

await distinct(10_000); // warm-up
await distinct(200_000);
await yielding(100_000);
await dedupHeavy(1_000_000, 100);
await dedupHeavy(1_000_000, 10_000);
