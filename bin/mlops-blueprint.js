#!/usr/bin/env node
'use strict';
// The `mlops-blueprint` command: runs the compiled lib/apps/cdk8s/bin.js. In a checkout it first
// compiles lib/ if a source changed (bin/launch.js); an installed package runs lib/ directly.
const launch = require('./launch.js');
launch.ensureBuilt(['apps/cdk8s/bin']);
launch.enableCompileCache();
require('../lib/apps/cdk8s/bin.js')
  .run(process.argv.slice(2))
  .then((/** @type {number} */ code) => {
    process.exitCode = code;
  });
