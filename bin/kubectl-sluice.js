#!/usr/bin/env node
// `kubectl sluice ...`: kubectl finds this plugin on PATH as `kubectl-sluice` and passes the
// arguments through. Same entry as `sluice`.
import './sluice.js';
