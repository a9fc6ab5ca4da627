import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, loggerDefaults, redactSecrets } from './logger.js';

const planted = 'PLANTED-7f3c9-secret';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('redacts Secret data, secret-like keys and secret env entries anywhere in a line, and keeps the rest', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: 'debug', destination });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { s3: planted } };
    const pod = {
      spec: {
        containers: [
          {
            env: [
              { name: 'P_PASSWORD', value: planted },
              { name: 'P_S3_SECRET_KEY', value: planted },
              { name: 'P_USERNAME', value: 'admin' },
              { name: 'P_S3_KEY', valueFrom: { secretKeyRef: { name: 'creds', key: 's3' } } },
            ],
          },
        ],
      },
    };
    const err = Object.assign(new Error('push failed'), {
      request: { headers: { Authorization: `Basic ${planted}` } },
    });
    logger.info({ child: secret, pod }, 'applied');
    logger.warn({ config: { 'pinot.controller.storage.factory.s3.secretKey': planted, region: 'eu' } }, 'cfg');
    logger.error({ err, auth: { secretRef: { name: 'creds' }, password: planted, token: planted } }, 'failed');
    logger.child({ cluster: 'a' }).debug({ nested: [[{ apiKey: planted }]] }, 'deep');

    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).not.toContain(planted);
    const [applied, cfg, failed, deep] = lines.map((line) => JSON.parse(line));
    expect(applied.child).toMatchObject({ kind: 'Secret', metadata: { name: 'creds' }, data: { s3: '[REDACTED]' } });
    expect(applied.pod.spec.containers[0].env).toEqual([
      { name: 'P_PASSWORD', value: loggerDefaults.censor },
      { name: 'P_S3_SECRET_KEY', value: loggerDefaults.censor },
      { name: 'P_USERNAME', value: 'admin' },
      { name: 'P_S3_KEY', valueFrom: { secretKeyRef: { name: 'creds', key: 's3' } } },
    ]);
    expect(cfg.config).toEqual({ 'pinot.controller.storage.factory.s3.secretKey': '[REDACTED]', region: 'eu' });
    expect(failed.err).toMatchObject({ type: 'Error', message: 'push failed' });
    expect(failed.err.stack).toContain('push failed');
    expect(failed.auth).toEqual({ secretRef: { name: 'creds' }, password: '[REDACTED]', token: '[REDACTED]' });
    expect(deep).toMatchObject({ cluster: 'a', nested: [[{ apiKey: '[REDACTED]' }]] });
  });

  it('returns parts without secrets untouched and survives cycles', () => {
    const plain = { a: { b: [1, 'x'] } };
    expect(redactSecrets(plain)).toBe(plain);
    const cyclic: Record<string, unknown> = { password: planted };
    cyclic.self = cyclic;
    expect(redactSecrets(cyclic)).toMatchObject({ password: '[REDACTED]' });
    expect(cyclic.password).toBe(planted);
  });
});
