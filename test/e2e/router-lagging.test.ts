/**
 * The router scenarios again with every watch event 100 ms late (the local cluster's watch-lag
 * fault): the controller's caches trail its own writes and each other, as behind a busy API
 * server, and the outcomes must not change.
 */
import { basic, istioHost } from './support-cases.js';
import { routerSuite } from './support-suite.js';

routerSuite(istioHost, 'lag-ih', { watchLagMs: 100 });
routerSuite(basic, 'lag-b', { watchLagMs: 100 });
