import { gatewayApi } from './support-cases.js';
import { routerSuite } from './support-suite.js';

routerSuite(gatewayApi, 'gw');
