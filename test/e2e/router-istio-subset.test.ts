import { istioSubset } from './support-cases.js';
import { routerSuite } from './support-suite.js';

routerSuite(istioSubset, 'is');
