// Lets Node run the TypeScript sources directly (ESM), through ts-node's loader.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register('ts-node/esm', pathToFileURL('./'));
