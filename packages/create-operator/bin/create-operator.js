#!/usr/bin/env node
// The `create-operator` command. This committed file, not dist/cli.js itself, is the package's bin so that npm links it at
// install time: inside a workspace, `npm ci` runs before the build has written dist/, and npm skips a bin whose
// target does not exist.
import '../dist/cli.js';
