/** Test objects: the minimal Pinot CR of the spec (4.2) and the REST kinds' samples. */

/** The minimal Pinot CR: a controller StatefulSet and a broker Deployment. */
export function minimalPinot(namespace: string, name = 'pinot-simple', zkAddress = 'zk-headless.pinot:2181') {
  return {
    apiVersion: 'datainfra.io/v1beta1',
    kind: 'Pinot',
    metadata: { name, namespace },
    spec: {
      external: { zookeeper: { spec: { zkAddress } } },
      deploymentOrder: ['controller', 'broker', 'server', 'minion'],
      nodes: [
        {
          name: 'pinot-controller',
          kind: 'Statefulset',
          replicas: 1,
          nodeType: 'controller',
          k8sConfig: 'controller',
          pinotNodeConfig: 'controller',
        },
        {
          name: 'pinot-broker',
          kind: 'Deployment',
          replicas: 1,
          nodeType: 'broker',
          k8sConfig: 'broker',
          pinotNodeConfig: 'broker',
        },
      ],
      k8sConfig: [
        {
          name: 'controller',
          image: 'apachepinot/pinot:latest',
          port: [{ name: 'controller', containerPort: 9000, protocol: 'TCP' }],
          service: { type: 'ClusterIP', ports: [{ port: 9000, targetPort: 9000, protocol: 'TCP' }] },
          env: [{ name: 'LOG4J_CONSOLE_LEVEL', value: 'info' }],
          readinessProbe: { httpGet: { path: '/health', port: 9000 } },
          storageConfig: [
            {
              name: 'data',
              mountPath: '/var/pinot/controller/data',
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
            },
          ],
        },
        {
          name: 'broker',
          image: 'apachepinot/pinot:latest',
          port: [{ name: 'broker', containerPort: 8099 }],
          service: { type: 'ClusterIP', clusterIP: 'None', ports: [{ name: 'broker', port: 8099, targetPort: 8099 }] },
        },
      ],
      pinotNodeConfig: [
        { name: 'controller', java_opts: '-Xms256M -Xmx1G', data: 'controller.port=9000' },
        { name: 'broker', java_opts: '-Xms256M -Xmx1G', data: 'pinot.broker.client.queryPort=8099' },
      ],
    } as any,
  };
}

export const schemaJson =
  '{"schemaName":"baseballStats","dimensionFieldSpecs":[{"name":"playerID","dataType":"STRING"}],"metricFieldSpecs":[{"name":"runs","dataType":"INT"}]}';
export const tableJson =
  '{"tableName":"baseballStats","tableType":"OFFLINE","segmentsConfig":{"schemaName":"baseballStats","replication":"1"},"tenants":{},"tableIndexConfig":{"loadMode":"HEAP"},"metadata":{}}';
export const tenantJson = '{"tenantRole":"BROKER","tenantName":"sampleBrokerTenant","numberOfInstances":1}';

export function pinotSchemaCr(namespace: string, json = schemaJson, cluster = 'pinot-simple') {
  return {
    apiVersion: 'datainfra.io/v1beta1',
    kind: 'PinotSchema',
    metadata: { name: 'baseballstats', namespace },
    spec: { pinotCluster: cluster, 'schema.json': json },
  };
}

export function pinotTableCr(namespace: string, json = tableJson, segmentReload = true) {
  return {
    apiVersion: 'datainfra.io/v1beta1',
    kind: 'PinotTable',
    metadata: { name: 'baseballstats', namespace },
    spec: {
      pinotCluster: 'pinot-simple',
      pinotSchema: 'baseballstats',
      pinotTableType: 'OFFLINE',
      segmentReload,
      'tables.json': json,
    },
  };
}

export function pinotTenantCr(namespace: string) {
  return {
    apiVersion: 'datainfra.io/v1beta1',
    kind: 'PinotTenant',
    metadata: { name: 'samplebrokertenant', namespace },
    spec: { pinotCluster: 'pinot-simple', pinotTenantType: 'BROKER', 'tenants.json': tenantJson },
  };
}
