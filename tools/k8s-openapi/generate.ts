/**
 * Regenerates packages/builder/src/kubernetesSchemas.json: starts a local control plane (@dsoi/envtest), reads the
 * OpenAPI v3 document of api/v1 from the real kube-apiserver, and extracts the structural schemas of the Kubernetes
 * types DSOI custom resources embed. Run with Node 24 from the repository root: `node tools/k8s-openapi/generate.ts`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { extractKubernetesSchemas } from '@dsoi/builder/crd';
import { startControlPlane } from '@dsoi/envtest';
import { fetchOpenApi } from './fetchOpenApi.ts';

const target = new URL('../../packages/builder/src/kubernetesSchemas.json', import.meta.url);
const plane = await startControlPlane();
try {
  const { document, kubernetesVersion } = await fetchOpenApi(plane.kubeConfig);
  const schemas = extractKubernetesSchemas(document);
  writeFileSync(target, `${JSON.stringify({ kubernetesVersion, schemas }, null, 2)}\n`);
  // The repository's formatter owns the layout of committed JSON.
  execFileSync('npx', ['biome', 'format', '--write', target.pathname], { stdio: 'inherit' });
  console.log(
    `wrote ${target.pathname} (${Object.keys(schemas).length} schemas from kube-apiserver ${kubernetesVersion})`,
  );
} finally {
  await plane.stop();
}
