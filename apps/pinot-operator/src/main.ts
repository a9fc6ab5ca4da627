#!/usr/bin/env node
/** The `pinot-operator` binary: runs the operator until SIGTERM/SIGINT (a second signal exits at once). */
import { shutdownSignal } from '@dsoi/reconcile';
import { runCli } from './cli.js';

process.exitCode = await runCli({ args: process.argv.slice(2), env: process.env, signal: shutdownSignal() });
