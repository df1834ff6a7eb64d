/** What the operations borrow from the controller runtime: the API clients and raw REST calls. */
export { ApiClients, sendJson, objectPath as objectPathOf } from '../controller/index.js';
