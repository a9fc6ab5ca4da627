/** The labels the Go operator put on every child of a Pinot node; kept, since users' selectors rely on them. */
import type { PinotNode } from '../api/pinot.ts';

/** The five common labels of a node's children, also its workload and Service selector. */
export function pinotNodeLabels(crName: string, node: PinotNode): Record<string, string> {
  return {
    app: 'pinot',
    custom_resource: crName,
    nodeType: node.nodeType,
    pinotConfigGroup: node.pinotNodeConfig,
    k8sConfigGroup: node.k8sConfig,
  };
}
