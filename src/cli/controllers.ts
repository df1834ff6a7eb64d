/**
 * The controllers `sluice controller` runs: one line per reconciler.
 */
import type { ControllerSetup } from '../controller/index.js';
import { analysisRunController } from '../analysis/reconciler/index.js';
import { rolloutController } from '../rollout/index.js';

/** Setups the manager builds at start, in order. */
export const controllerSetups: readonly ControllerSetup[] = [(ctx) => rolloutController(ctx), (ctx) => analysisRunController(ctx)];
