import { describe, expect, it } from 'vitest';
import { configChecksum } from './configChecksum.js';
import { controllerRef } from './controllerRef.js';
import { buildNodeWorkload, type NodeWorkloadOptions, nodeWorkloadDefaults } from './nodeWorkload.js';

const error = (field: string, rule: string) => expect.objectContaining({ name: 'BuilderValidationError', field, rule });
const owner = { apiVersion: 'datainfra.io/v1beta1', kind: 'Pinot', metadata: { name: 'pinot-simple', uid: 'uid-1' } };
const claimSpec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };
const selectorLabels = { app: 'pinot', custom_resource: 'pinot-simple', node: 'pinot-controller' };

/** The Pinot controller node of the reference sample, with every pod setting filled in. */
const controller: NodeWorkloadOptions = {
  node: { name: 'pinot-controller', kind: 'Statefulset', replicas: 1 },
  namespace: 'pinot',
  owner,
  selectorLabels,
  labels: { 'app.kubernetes.io/managed-by': 'pinot-operator' },
  names: {
    workload: 'pinot-controller-controller',
    service: 'pinot-controller-controller-svc',
    configMap: 'pinot-simple-controller-config',
    container: 'pinot-controller-controller',
  },
  k8sConfig: {
    image: 'apachepinot/pinot:latest',
    imagePullPolicy: 'IfNotPresent',
    imagePullSecrets: ['registry'],
    args: ['StartController', '-configFileName', '/var/pinot/controller/config/pinot-controller.conf'],
    command: ['/opt/pinot/bin/pinot-admin.sh'],
    ports: [{ name: 'controller', containerPort: 9000, protocol: 'TCP' }],
    env: [{ name: 'LOG4J_CONSOLE_LEVEL', value: 'info' }],
    envFrom: [{ secretRef: { name: 'pinot-secrets' } }],
    resources: { requests: { cpu: '500m' } },
    livenessProbe: { httpGet: { path: '/health', port: 9000 } },
    readinessProbe: { httpGet: { path: '/health', port: 9000 } },
    startupProbe: { tcpSocket: { port: 9000 } },
    service: { clusterIP: 'None', ports: [{ port: 9000, targetPort: 9000, protocol: 'TCP' }] },
    storage: [
      { name: 'data', mountPath: '/var/pinot/controller/data', spec: claimSpec },
      { mountPath: '/var/pinot/controller/logs', spec: claimSpec },
    ],
    volumes: [{ name: 'scratch', emptyDir: {} }],
    volumeMounts: [{ name: 'scratch', mountPath: '/tmp/scratch' }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'pinot', effect: 'NoSchedule' }],
    affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } },
    securityContext: { runAsUser: 1000, fsGroup: 1000 },
    containerSecurityContext: { allowPrivilegeEscalation: false },
    podMetadata: { labels: { team: 'data' }, annotations: { 'prometheus.io/scrape': 'true' } },
    serviceAccountName: 'pinot',
  },
  appConfig: { data: { 'pinot-controller.conf': 'controller.port=9000' }, mountPath: '/var/pinot/controller/config' },
};

/** The Parseable server node of the reference sample: a Deployment whose config is injected as env. */
const parseable: NodeWorkloadOptions = {
  node: { name: 'parseable-server', kind: 'Deployment' },
  namespace: 'parseable',
  selectorLabels: { app: 'parseable', custom_resource: 'parseable', node: 'parseable-server' },
  k8sConfig: {
    image: 'parseable/parseable:v0.4.0',
    args: ['parseable', 'local-store'],
    ports: [{ containerPort: 8000 }],
    service: { type: 'ClusterIP', ports: [{ protocol: 'TCP', port: 80, targetPort: 8000 }] },
    volumes: [
      { name: 'stage-volume', emptyDir: {} },
      { name: 'data-volume', emptyDir: {} },
    ],
    volumeMounts: [
      { name: 'data-volume', mountPath: '/parseable/data' },
      { name: 'stage-volume', mountPath: '/parseable/staging' },
    ],
  },
  appConfig: { data: { P_ADDR: '0.0.0.0:8000', P_USERNAME: 'admin' }, asEnv: true },
};

describe('buildNodeWorkload: a StatefulSet node', () => {
  const built = buildNodeWorkload(controller);
  if (built.kind !== 'StatefulSet') throw new Error('expected a StatefulSet');
  const { configMap, service, workload } = built;
  const pod = workload.spec.template;
  const container = pod.spec?.containers[0];

  it('builds ConfigMap, Service and StatefulSet, in apply order, with the names given', () => {
    expect(built.objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'v1 ConfigMap/pinot-simple-controller-config',
      'v1 Service/pinot-controller-controller-svc',
      'apps/v1 StatefulSet/pinot-controller-controller',
    ]);
    expect(configMap?.data).toEqual({ 'pinot-controller.conf': 'controller.port=9000' });
  });

  it('labels and owns every object', () => {
    for (const object of built.objects) {
      expect(object.metadata.namespace).toBe('pinot');
      expect(object.metadata.labels).toEqual({ ...selectorLabels, 'app.kubernetes.io/managed-by': 'pinot-operator' });
      expect(object.metadata.ownerReferences).toEqual([controllerRef(owner)]);
    }
  });

  it('selects the pods by the selector labels, in the workload and in the Service', () => {
    expect(workload.spec.selector).toEqual({ matchLabels: selectorLabels });
    expect(service?.spec.selector).toEqual(selectorLabels);
    expect(service?.spec.clusterIP).toBe('None');
    expect(workload.spec.serviceName).toBe('pinot-controller-controller-svc');
    expect(workload.spec.replicas).toBe(1);
  });

  it('makes one distinctly named claim template per storage entry, labelled only with the selector labels', () => {
    expect(workload.spec.volumeClaimTemplates).toEqual([
      { metadata: { name: 'data', labels: selectorLabels }, spec: claimSpec },
      { metadata: { name: 'data-1', labels: selectorLabels }, spec: claimSpec },
    ]);
  });

  it('wires the config volume, the mounts in order, and the checksum annotation', () => {
    expect(pod.spec?.volumes).toEqual([
      { name: 'app-config', configMap: { name: 'pinot-simple-controller-config' } },
      { name: 'scratch', emptyDir: {} },
    ]);
    expect(container?.volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/pinot/controller/data' },
      { name: 'data-1', mountPath: '/var/pinot/controller/logs' },
      { name: 'app-config', mountPath: '/var/pinot/controller/config' },
      { name: 'scratch', mountPath: '/tmp/scratch' },
    ]);
    expect(pod.metadata?.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'checksum.dsoi.io/configmap-pinot-simple-controller-config': configChecksum(configMap!),
    });
  });

  it('applies pod labels, tolerations, affinity, security contexts and the rest of k8sConfig', () => {
    expect(pod.metadata?.labels).toEqual({
      ...selectorLabels,
      'app.kubernetes.io/managed-by': 'pinot-operator',
      team: 'data',
    });
    const k = controller.k8sConfig;
    expect(pod.spec).toMatchObject({
      nodeSelector: k.nodeSelector,
      tolerations: k.tolerations,
      affinity: k.affinity,
      securityContext: { ...nodeWorkloadDefaults.podSecurityContext, ...k.securityContext },
      serviceAccountName: 'pinot',
      imagePullSecrets: [{ name: 'registry' }],
    });
    expect(container).toMatchObject({
      name: 'pinot-controller-controller',
      image: k.image,
      imagePullPolicy: 'IfNotPresent',
      command: k.command,
      args: k.args,
      ports: k.ports,
      env: k.env,
      envFrom: k.envFrom,
      resources: k.resources,
      livenessProbe: k.livenessProbe,
      readinessProbe: k.readinessProbe,
      startupProbe: k.startupProbe,
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
  });

  it('returns plain JSON and leaves its input unchanged', () => {
    const before = structuredClone(controller);
    const again = buildNodeWorkload(controller);
    expect(controller).toEqual(before);
    expect(JSON.parse(JSON.stringify(again.objects))).toEqual(again.objects);
    expect(again.workload.spec.template.spec?.tolerations).not.toBe(controller.k8sConfig.tolerations);
  });

  it('accepts the Kubernetes spelling StatefulSet as well', () => {
    const node = { ...controller.node, kind: 'StatefulSet' };
    expect(buildNodeWorkload({ ...controller, node }).objects).toEqual(built.objects);
  });
});

describe('buildNodeWorkload: a Deployment node', () => {
  const built = buildNodeWorkload(parseable);

  it('builds a Deployment selected by the selector labels, with config as env and default names', () => {
    expect(built.kind).toBe('Deployment');
    expect(built.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/parseable-server-config',
      'Service/parseable-server',
      'Deployment/parseable-server',
    ]);
    expect(built.workload.spec.selector).toEqual({ matchLabels: parseable.selectorLabels });
    expect(built.service?.spec.selector).toEqual(parseable.selectorLabels);
    const pod = built.workload.spec.template;
    expect(pod.spec?.containers[0]).toMatchObject({
      name: 'parseable-server',
      args: ['parseable', 'local-store'],
      envFrom: [{ configMapRef: { name: 'parseable-server-config' } }],
    });
    expect(pod.spec?.volumes?.[0]).toEqual({ name: 'app-config', configMap: { name: 'parseable-server-config' } });
    expect(pod.spec?.containers[0]?.volumeMounts?.map((m) => m.name)).toEqual(['data-volume', 'stage-volume']);
    expect(pod.metadata?.annotations).toHaveProperty('checksum.dsoi.io/configmap-parseable-server-config');
    expect(built.workload.metadata).not.toHaveProperty('ownerReferences');
  });

  it('builds no ConfigMap without appConfig and no Service without a service spec', () => {
    const { service: _service, ...k8sConfig } = parseable.k8sConfig;
    const bare = buildNodeWorkload({ ...parseable, appConfig: undefined, k8sConfig });
    expect(bare.configMap).toBeUndefined();
    expect(bare.service).toBeUndefined();
    expect(bare.objects.map((o) => o.kind)).toEqual(['Deployment']);
    const pod = bare.workload.spec.template;
    expect(pod.metadata).not.toHaveProperty('annotations');
    expect(pod.spec?.volumes?.map((v) => v.name)).toEqual(['stage-volume', 'data-volume']);
    expect(pod.spec?.containers[0]).not.toHaveProperty('envFrom');
  });

  it('rolls only the node whose config changed', () => {
    const changed = buildNodeWorkload({ ...parseable, appConfig: { data: { P_ADDR: '0.0.0.0:9000' }, asEnv: true } });
    expect(changed.workload.spec.template.metadata?.annotations).not.toEqual(
      built.workload.spec.template.metadata?.annotations,
    );
    const { metadata: _a, ...changedSpec } = changed.workload.spec.template;
    const { metadata: _b, ...originalSpec } = built.workload.spec.template;
    expect(changedSpec).toEqual(originalSpec);
  });

  it('keeps the volume but adds no mount when appConfig has no mountPath', () => {
    const quiet = buildNodeWorkload({ ...parseable, appConfig: { data: { a: 'b' } } });
    expect(quiet.workload.spec.template.spec?.volumes?.[0]?.name).toBe('app-config');
    expect(quiet.workload.spec.template.spec?.containers[0]?.volumeMounts?.map((m) => m.name)).not.toContain(
      'app-config',
    );
  });

  it('exports its defaults, frozen', () => {
    expect(nodeWorkloadDefaults).toEqual({
      replicas: 1,
      configVolumeName: 'app-config',
      configMapSuffix: '-config',
      storageNamePrefix: 'data-',
      podSecurityContext: {
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        fsGroup: 1000,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containerSecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    });
    expect(Object.isFrozen(nodeWorkloadDefaults)).toBe(true);
    expect(Object.isFrozen(nodeWorkloadDefaults.containerSecurityContext.capabilities.drop)).toBe(true);
  });

  it('gives pods the Pod Security "restricted" defaults, with k8sConfig security contexts merged over them', () => {
    const { securityContext: _pod, containerSecurityContext: _container, ...bare } = controller.k8sConfig;
    const plain = buildNodeWorkload({ ...controller, k8sConfig: bare }).workload.spec.template.spec!;
    expect(plain.securityContext).toEqual(nodeWorkloadDefaults.podSecurityContext);
    expect(plain.containers[0]!.securityContext).toEqual(nodeWorkloadDefaults.containerSecurityContext);
    // A field given replaces the default's field; the other defaults stay.
    const merged = built.workload.spec.template.spec!;
    expect(merged.securityContext).toEqual({
      ...nodeWorkloadDefaults.podSecurityContext,
      runAsUser: 1000,
      fsGroup: 1000,
    });
    const custom = buildNodeWorkload({
      ...controller,
      k8sConfig: {
        ...bare,
        securityContext: { runAsUser: 3000 },
        containerSecurityContext: { readOnlyRootFilesystem: true },
      },
    }).workload.spec.template.spec!;
    expect(custom.securityContext).toEqual({ ...nodeWorkloadDefaults.podSecurityContext, runAsUser: 3000 });
    expect(custom.containers[0]!.securityContext).toEqual({
      ...nodeWorkloadDefaults.containerSecurityContext,
      readOnlyRootFilesystem: true,
    });
    // The built object is a copy: changing it leaves the defaults as they were.
    custom.securityContext!.seccompProfile!.type = 'Unconfined';
    expect(nodeWorkloadDefaults.podSecurityContext.seccompProfile.type).toBe('RuntimeDefault');
  });

  it('takes another config volume name', () => {
    const renamed = buildNodeWorkload({ ...controller, configVolumeName: 'pinot-config' });
    expect(renamed.workload.spec.template.spec?.volumes?.[0]?.name).toBe('pinot-config');
  });
});

describe('buildNodeWorkload: errors name the node', () => {
  const withK8s = (k8sConfig: object): NodeWorkloadOptions => ({
    ...controller,
    k8sConfig: { ...controller.k8sConfig, ...k8sConfig },
  });

  it('refuses an unknown kind, naming the node and the field', () => {
    const build = () => buildNodeWorkload({ ...controller, node: { name: 'pinot-minion', kind: 'DaemonSet' } });
    expect(build).toThrow(error('node "pinot-minion" kind', 'kind'));
    expect(build).toThrow('node "pinot-minion" kind is invalid (kind)');
  });

  it('refuses a Deployment with storage', () => {
    const build = () => buildNodeWorkload({ ...controller, node: { name: 'b', kind: 'Deployment' } });
    expect(build).toThrow(error('node "b" k8sConfig.storage', 'conflict'));
    expect(build).toThrow('use kind StatefulSet');
  });

  it('refuses two storage entries with one name, and a storage name used by a volume', () => {
    const storage = [
      { name: 'data', mountPath: '/a', spec: claimSpec },
      { name: 'data', mountPath: '/b', spec: claimSpec },
    ];
    expect(() => buildNodeWorkload(withK8s({ storage }))).toThrow(
      error('node "pinot-controller" k8sConfig.storage[1].name', 'unique'),
    );
    const clash = [{ name: 'scratch', mountPath: '/a', spec: claimSpec }];
    expect(() => buildNodeWorkload(withK8s({ storage: clash }))).toThrow(
      error('node "pinot-controller" k8sConfig.storage[0].name', 'unique'),
    );
    expect(() => buildNodeWorkload(withK8s({ storage: [{ mountPath: '/a', spec: {} }] }))).toThrow(
      error('node "pinot-controller" k8sConfig.storage[0].spec.accessModes', 'required'),
    );
  });

  it('refuses a volume named like the config volume, a mount of no volume and a mount path used twice', () => {
    expect(() => buildNodeWorkload(withK8s({ volumes: [{ name: 'app-config', emptyDir: {} }] }))).toThrow(
      error('node "pinot-controller" k8sConfig.volumes[0].name', 'unique'),
    );
    expect(() => buildNodeWorkload(withK8s({ volumeMounts: [{ name: 'missing', mountPath: '/m' }] }))).toThrow(
      error('node "pinot-controller" k8sConfig.volumeMounts[0].name', 'reference'),
    );
    const samePath = [{ name: 'scratch', mountPath: '/var/pinot/controller/config' }];
    expect(() => buildNodeWorkload(withK8s({ volumeMounts: samePath }))).toThrow(
      error('node "pinot-controller" k8sConfig.volumeMounts[0].mountPath', 'unique'),
    );
  });

  it('refuses labels that would change the selector or managed-by, or the checksum annotation', () => {
    expect(() => buildNodeWorkload({ ...controller, labels: { node: 'other' } })).toThrow(
      error('node "pinot-controller" labels["node"]', 'protectedLabel'),
    );
    expect(() => buildNodeWorkload(withK8s({ podMetadata: { labels: { custom_resource: 'x' } } }))).toThrow(
      error('node "pinot-controller" k8sConfig.podMetadata.labels["custom_resource"]', 'protectedLabel'),
    );
    expect(() =>
      buildNodeWorkload(withK8s({ podMetadata: { labels: { 'app.kubernetes.io/managed-by': 'helm' } } })),
    ).toThrow(
      error('node "pinot-controller" k8sConfig.podMetadata.labels["app.kubernetes.io/managed-by"]', 'protectedLabel'),
    );
    const key = 'checksum.dsoi.io/configmap-pinot-simple-controller-config';
    expect(() => buildNodeWorkload(withK8s({ podMetadata: { annotations: { [key]: 'x' } } }))).toThrow(
      error(`node "pinot-controller" k8sConfig.podMetadata.annotations["${key}"]`, 'protectedLabel'),
    );
  });

  it('refuses a derived name that is too long, saying it was derived', () => {
    const long = 'n'.repeat(53);
    const build = () =>
      buildNodeWorkload({ ...controller, names: undefined, node: { name: long, kind: 'StatefulSet' } });
    expect(build).toThrow(error(`node "${long}" names.workload (derived from the node name)`, 'statefulSetName'));
    const asDeployment = { ...parseable, node: { name: long, kind: 'Deployment' } };
    expect(buildNodeWorkload(asDeployment).workload.metadata.name).toBe(long);
    expect(() => buildNodeWorkload({ ...controller, names: { workload: long } })).toThrow(
      error('node "pinot-controller" names.workload', 'statefulSetName'),
    );
  });

  it('checks the Service name only when a Service is built', () => {
    const digitNode = { ...parseable, node: { name: '1st', kind: 'Deployment' } };
    expect(() => buildNodeWorkload(digitNode)).toThrow(
      error('node "1st" names.service (derived from the node name)', 'dns1035Label'),
    );
    const { service: _service, ...k8sConfig } = parseable.k8sConfig;
    expect(buildNodeWorkload({ ...digitNode, k8sConfig }).workload.metadata.name).toBe('1st');
  });

  it('refuses a bad node name, selector, image, owner and replica count', () => {
    const node = (n: object) => () => buildNodeWorkload({ ...controller, node: { ...controller.node, ...n } });
    expect(node({ name: 'Pinot_Controller' })).toThrow(error('node "Pinot_Controller" name', 'dns1123Label'));
    expect(node({ replicas: -1 })).toThrow(error('node "pinot-controller" StatefulSet replicas', 'range'));
    expect(() => buildNodeWorkload({ ...controller, selectorLabels: {} })).toThrow(
      error('node "pinot-controller" selectorLabels', 'selector'),
    );
    expect(() => buildNodeWorkload(withK8s({ image: ' ' }))).toThrow(
      error('node "pinot-controller" k8sConfig.image', 'required'),
    );
    expect(() => buildNodeWorkload({ ...controller, owner: { ...owner, metadata: { name: 'p' } } })).toThrow(
      error('node "pinot-controller" owner.metadata.uid', 'required'),
    );
    expect(() => buildNodeWorkload(withK8s({ nodeSelector: { 'a b': 'c' } }))).toThrow(
      error('node "pinot-controller" k8sConfig.nodeSelector key', 'labelKey'),
    );
    expect(() => buildNodeWorkload(withK8s({ serviceAccountName: 'Pinot' }))).toThrow(
      error('node "pinot-controller" k8sConfig.serviceAccountName', 'dns1123Subdomain'),
    );
    expect(() => buildNodeWorkload(withK8s({ imagePullSecrets: ['_'] }))).toThrow(
      error('node "pinot-controller" k8sConfig.imagePullSecrets[0]', 'dns1123Subdomain'),
    );
  });

  it('refuses an owner in another namespace, whose children the garbage collector would delete', () => {
    const foreign = { ...owner, metadata: { ...owner.metadata, namespace: 'other' } };
    expect(() => buildNodeWorkload({ ...controller, owner: foreign })).toThrow(
      error('node "pinot-controller" owner.metadata.namespace', 'conflict'),
    );
    const local = { ...owner, metadata: { ...owner.metadata, namespace: 'pinot' } };
    expect(buildNodeWorkload({ ...controller, owner: local }).workload.metadata.ownerReferences).toHaveLength(1);
  });

  it('refuses a Service selector that contradicts the selector labels', () => {
    const service = { selector: { app: 'other' }, ports: [{ port: 80 }] };
    expect(() => buildNodeWorkload(withK8s({ service }))).toThrow(
      error('node "pinot-controller" Service selector', 'conflict'),
    );
  });

  it('keeps the original error as the cause and lets other errors through unchanged', () => {
    try {
      buildNodeWorkload({ ...controller, node: { name: 'x', kind: 'Job' } });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).cause).toMatchObject({ field: 'kind', rule: 'kind' });
    }
    const notCloneable = withK8s({ resources: { limits: { cpu: () => 1 } } });
    expect(() => buildNodeWorkload(notCloneable)).toThrow(expect.objectContaining({ name: 'DataCloneError' }));
  });
});
