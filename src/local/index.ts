/**
 * The local cluster: a Kubernetes API emulator over HTTPS, faithful enough for kubectl and
 * @kubernetes/client-node, with simulated workload controllers beside it (src/local/sim).
 */
export { startLocalCluster, type LocalCluster, type LocalClusterOptions } from './cluster.js';
export { installCrdsFromDir } from './crds-install.js';
export { runLocalCommand, parseDurationMs } from './cli.js';
export { Faults, type FaultScope } from './faults.js';
export { ADMIN_USER, requestRecord, type RequestListener, type RequestRecord } from './server/audit.js';
export { MemoryStore, type MemoryStoreOptions, type DeleteOptions, type WriteOptions, type ListOptions, type ListResult } from './store.js';
export type { ServedResource, PrinterColumn, ScalePaths } from './registry.js';
export * from './types.js';
