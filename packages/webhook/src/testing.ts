/**
 * Test helpers (`@dsoi/webhook/testing`): a throw-away CA and a serving certificate it signs, for tests and local runs
 * where no cert-manager issues one. Made with @peculiar/x509 on WebCrypto (ECDSA P-256), not hand-written ASN.1.
 */
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';

/** Options of {@link createTestCertificates}. */
export interface TestCertificatesOptions {
  /** The serving certificate's names: IP addresses and DNS names. @default ['127.0.0.1', 'localhost'] */
  readonly hosts?: readonly string[];
  /** How long both certificates are valid from now. @default 1 */
  readonly validDays?: number;
  /** The CA's common name. @default 'dsoi-webhook-test-ca' */
  readonly caName?: string;
}

/** A CA certificate, and a serving certificate and key it signed (all PEM). */
export interface TestCertificates {
  /** The CA certificate: the `caBundle` of webhook configurations. */
  readonly caCert: string;
  /** The serving certificate (signed by the CA). */
  readonly cert: string;
  /** The serving certificate's private key (PKCS #8). */
  readonly key: string;
}

/** The defaults of {@link TestCertificatesOptions}. */
export const testCertificatesDefaults = Object.freeze({
  hosts: Object.freeze(['127.0.0.1', 'localhost']),
  validDays: 1,
  caName: 'dsoi-webhook-test-ca',
});

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Makes a new CA and a serving certificate for `hosts`, signed by it. Nothing is written; see {@link writeCertificateFiles}. */
export async function createTestCertificates(options: TestCertificatesOptions = {}): Promise<TestCertificates> {
  const {
    hosts = testCertificatesDefaults.hosts,
    validDays = testCertificatesDefaults.validDays,
    caName = testCertificatesDefaults.caName,
  } = options;
  const notBefore = new Date(Date.now() - 60_000); // a little slack for clocks that disagree
  const notAfter = new Date(Date.now() + validDays * 86_400_000);
  const caKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const ca = await X509CertificateGenerator.createSelfSigned(
    {
      name: `CN=${caName}`,
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: algorithm,
      extensions: [
        new BasicConstraintsExtension(true, 0, true),
        new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
      ],
    },
    webcrypto,
  );
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');
  const cert = await X509CertificateGenerator.create(
    {
      subject: `CN=${hosts[0] ?? 'localhost'}`,
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithm,
      extensions: [
        new BasicConstraintsExtension(false, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyEncipherment, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
        new SubjectAlternativeNameExtension(hosts.map((host) => ({ type: isIp(host) ? 'ip' : 'dns', value: host }))),
      ],
    },
    webcrypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    caCert: ca.toString('pem'),
    cert: cert.toString('pem'),
    key: PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}

/** Where {@link writeCertificateFiles} wrote each file. */
export interface CertificateFiles {
  /** `<dir>/tls.crt` */
  readonly certFile: string;
  /** `<dir>/tls.key` (mode 0600) */
  readonly keyFile: string;
  /** `<dir>/ca.crt` */
  readonly caFile: string;
}

/**
 * Writes `tls.crt`, `tls.key` and `ca.crt` into `dir` (created if missing), each by an atomic rename, under the names
 * a cert-manager Secret mounts them; writing again rotates the files a running server watches.
 */
export function writeCertificateFiles(dir: string, certificates: TestCertificates): CertificateFiles {
  mkdirSync(dir, { recursive: true });
  const files = { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), caFile: join(dir, 'ca.crt') };
  const write = (path: string, content: string, mode: number) => {
    writeFileSync(`${path}.tmp`, content, { mode });
    renameSync(`${path}.tmp`, path);
  };
  write(files.keyFile, certificates.key, 0o600);
  write(files.certFile, certificates.cert, 0o644);
  write(files.caFile, certificates.caCert, 0o644);
  return files;
}
