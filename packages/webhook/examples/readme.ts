// The README example of @dsoi/webhook; test/readme.test.ts runs it, so it cannot drift from the code.
import { allow, createWebhookServer, deny, validatingWebhook } from '@dsoi/webhook';
import { createTestCertificates, writeCertificateFiles } from '@dsoi/webhook/testing';

const certs = writeCertificateFiles('/tmp/dsoi-readme-webhook', await createTestCertificates());
const noLargeWidgets = validatingWebhook<{ spec?: { size?: number } }>({
  name: 'vwidget.example.dsoi.io',
  path: '/validate-widget',
  rules: [
    { apiGroups: ['example.dsoi.io'], apiVersions: ['v1'], resources: ['widgets'], operations: ['CREATE', 'UPDATE'] },
  ],
  handler: ({ object }) => ((object?.spec?.size ?? 0) > 3 ? deny('spec.size must be at most 3') : allow()),
});
const server = createWebhookServer({ webhooks: [noLargeWidgets], ...certs, port: 0 });
const stop = new AbortController();
const running = server.start(stop.signal);
await server.listening();
console.log(server.url(), server.ready()); // https://127.0.0.1:<port> true
stop.abort();
await running;
