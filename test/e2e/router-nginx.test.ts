import { nginx } from './support-cases.js';
import { routerSuite } from './support-suite.js';

routerSuite(nginx, 'ng');
