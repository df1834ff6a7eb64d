import { istioHost } from './support-cases.js';
import { routerSuite } from './support-suite.js';

routerSuite(istioHost, 'ih');
