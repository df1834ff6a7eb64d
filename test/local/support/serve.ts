// Runs `sluice local` in its own process (for the CLI test and by hand):
//   node --import ./scripts/register.mjs test/local/support/serve.ts --kubeconfig /tmp/kc.yaml
import { runLocalCommand } from '../../../src/local/index.js';

process.exitCode = await runLocalCommand(process.argv.slice(2), process.stdout);
