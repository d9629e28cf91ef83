#!/usr/bin/env node
// The `netlens` command: runs the bundled CLI.
require('../dist/cli.js');
