#!/usr/bin/env node
// The `netlens` command: runs the bundled CLI through its launcher (V8 options and code cache, see src/cli/launch.ts).
require('../dist/launch.js');
