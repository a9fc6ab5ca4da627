/** The files `dsoi generate crds` writes: one YAML document per CustomResourceDefinition, named as kubebuilder does. */
import type { BuiltCustomResourceDefinition } from '@dsoi/builder/crd';
import { customResourceDefinitionYaml } from '@dsoi/builder/crd';

/** One generated file: its name and its text. */
export interface GeneratedManifest {
  /** e.g. `example.com_webapps.yaml` (`<group>_<plural>.yaml`, kubebuilder's and the Go operators' names). */
  readonly fileName: string;
  readonly content: string;
}

/**
 * The YAML file of each CRD, `header` as a `#` comment on top.
 *
 * @throws TypeError naming the export when two CRDs have the same name.
 */
export function crdManifests(crds: readonly BuiltCustomResourceDefinition[], header?: string): GeneratedManifest[] {
  const seen = new Set<string>();
  return crds.map((crd) => {
    if (seen.has(crd.metadata.name)) throw new TypeError(`CRD ${crd.metadata.name} is given twice`);
    seen.add(crd.metadata.name);
    return {
      fileName: `${crd.spec.group}_${crd.spec.names.plural}.yaml`,
      content: `${header ? `# ${header}\n` : ''}${customResourceDefinitionYaml(crd)}`,
    };
  });
}

/** Whether `value` is a CustomResourceDefinition object (as `buildCustomResourceDefinition` returns). */
export function isCustomResourceDefinition(value: unknown): value is BuiltCustomResourceDefinition {
  const v = value as Partial<BuiltCustomResourceDefinition> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.apiVersion === 'apiextensions.k8s.io/v1' &&
    v.kind === 'CustomResourceDefinition' &&
    typeof v.spec?.names?.plural === 'string'
  );
}
