import { basic } from './support-cases.js';
import { routerSuite } from './support-suite.js';

routerSuite(basic, 'basic');
