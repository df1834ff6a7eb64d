import { smi } from './support-cases.js';
import { routerSuite } from './support-suite.js';

routerSuite(smi, 'smi');
