/**
 * A real npm registry (verdaccio) on 127.0.0.1 with its storage in a temp directory: `@dsoi/*` exists only as
 * published to it; every other package is proxied from the public npm registry, the one host tests may reach.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runServer } from 'verdaccio';

/** A running registry: its URL, a publish token, and the way to stop it. */
export interface LocalRegistry {
  /** e.g. `http://127.0.0.1:41235/` (with the trailing slash npm expects). */
  readonly url: string;
  /** `.npmrc` lines that make this registry the only one and authenticate publishes. */
  readonly npmrc: string;
  /** Closes the server and removes its storage. */
  stop(): Promise<void>;
}

/** Options of {@link startRegistry}. */
export interface LocalRegistryOptions {
  /** Where third-party packages come from. @default 'https://registry.npmjs.org/' */
  readonly uplink?: string;
}

/** Starts verdaccio in this process on a free port of 127.0.0.1 and registers a publishing user. */
export async function startRegistry({
  uplink = 'https://registry.npmjs.org/',
}: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'dsoi-registry-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      `  htpasswd: { file: ${join(dir, 'htpasswd')} }`,
      'uplinks:',
      `  npmjs: { url: ${JSON.stringify(uplink)}, timeout: 60s }`,
      'packages:',
      // No proxy for our scope: an @dsoi package that was not published here must fail to install, never come
      // from the public registry.
      "  '@dsoi/*': { access: $all, publish: $authenticated }",
      "  '**': { access: $all, publish: $authenticated, proxy: npmjs }",
      'log: { type: stdout, format: json, level: error }',
      '',
    ].join('\n'),
  );
  const server = (await runServer(config)) as Server;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const user = await fetch(`${url}-/user/org.couchdb.user:dsoi`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'dsoi', password: 'release-test' }),
    });
    const { token } = (await user.json()) as { token?: string };
    if (!user.ok || !token) throw new Error(`verdaccio at ${url}: adding the publishing user answered ${user.status}`);
    const npmrc = `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`;
    return { url, npmrc, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
