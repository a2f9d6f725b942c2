import { Chart, Testing } from 'cdk8s';
import {
  ModelCatalog,
  ModelCatalogProps,
  renderCatalogSources,
} from '../../../constructs/model-registry';
import { Manifest, Objects } from '../../helpers';
import { HUB_FACTS } from './facts';

const F = HUB_FACTS.catalog;

function build(props: ModelCatalogProps = {}) {
  const app = Testing.app();
  const chart = new Chart(app, 'Test');
  const catalog = new ModelCatalog(chart, 'Catalog', props);
  const objects = new Objects(Testing.synth(chart) as Manifest[]);
  const deployment = objects.find('Deployment', 'kubeflow', F.deployment);
  const container = deployment.spec.template.spec.containers[0] as Manifest;
  return { catalog, objects, deployment, container };
}

describe('ModelCatalog (defaults)', () => {
  const { catalog, objects, deployment, container } = build();

  test('command, args, port and TCP probes as upstream', () => {
    expect(container.name).toBe(F.container);
    expect(container.image).toBe(HUB_FACTS.registry.image);
    expect(container.command).toEqual(F.command);
    expect(container.args).toEqual(F.args);
    expect(container.ports).toEqual([{ name: 'http-api', containerPort: 8080, protocol: 'TCP' }]);
    expect(container.livenessProbe).toMatchObject({
      tcpSocket: { port: 'http-api' },
      initialDelaySeconds: 30,
      periodSeconds: 5,
    });
    expect(container.readinessProbe).toMatchObject({
      tcpSocket: { port: 'http-api' },
      initialDelaySeconds: 3,
    });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('libpq environment to its own PostgreSQL, through the mesh', () => {
    expect((container.env as Manifest[]).map((e) => e.name)).toEqual(F.pgEnv);
    expect(catalog.settings).toEqual({
      PGHOST: `${F.postgres}.kubeflow.svc.cluster.local`,
      PGPORT: '5432',
      PGDATABASE: 'model_catalog',
      PGUSER: 'model_catalog',
      PGPASSWORD: `secret:${F.postgres}/password`,
      PGSSLMODE: 'disable',
    });
    const sts = objects.find('StatefulSet', 'kubeflow', F.postgres);
    expect(sts.spec.template.spec.containers[0].image).toBe(F.postgresImage);
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe(F.storage);
    expect(catalog.databasePodLabels).toEqual(sts.spec.selector.matchLabels);
  });

  test('sources ConfigMap mounted at /catalog, empty by default', () => {
    const cm = objects.find('ConfigMap', 'kubeflow', F.configMap);
    expect(JSON.parse(cm.data['sources.yaml'])).toEqual({ model_catalogs: [], mcp_catalogs: [] });
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([{ name: 'sources', mountPath: F.mountPath, readOnly: true }]),
    );
    expect(deployment.spec.template.spec.volumes).toEqual(
      expect.arrayContaining([{ name: 'sources', configMap: { name: F.configMap } }]),
    );
  });

  test('Service named and labelled as the UI looks it up', () => {
    const svc = objects.find('Service', 'kubeflow', F.service);
    expect(svc.metadata.labels).toMatchObject(HUB_FACTS.ui.catalogDiscoveryLabel);
    expect(svc.spec.ports[0]).toMatchObject({ name: 'http-api', port: 8080 });
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(catalog.restBaseUrl).toBe(
      'http://model-catalog.kubeflow.svc.cluster.local:8080/api/model_catalog/v1alpha1',
    );
  });
});

test('typed sources render as the catalog parses them, with their files', () => {
  const sources = {
    modelCatalogs: [
      {
        id: 'org',
        name: 'Organization',
        type: 'yaml' as const,
        labels: ['Org'],
        properties: { yamlCatalogPath: 'org.yaml' },
      },
      {
        id: 'hf',
        name: 'HF',
        type: 'hf' as const,
        enabled: false,
        includedModels: ['microsoft/phi-*'],
      },
    ],
    files: { 'org.yaml': 'source: Org\nmodels: []\n' },
  };
  const { objects, container } = build({
    sources,
    huggingFaceApiKey: { name: 'hf', key: 'token' },
  });
  const cm = objects.find('ConfigMap', 'kubeflow', F.configMap);
  expect(cm.data['org.yaml']).toBe(sources.files['org.yaml']);
  expect(JSON.parse(cm.data['sources.yaml'])).toEqual({
    model_catalogs: [
      {
        id: 'org',
        name: 'Organization',
        type: 'yaml',
        labels: ['Org'],
        properties: { yamlCatalogPath: 'org.yaml' },
      },
      { id: 'hf', name: 'HF', type: 'hf', enabled: false, includedModels: ['microsoft/phi-*'] },
    ],
    mcp_catalogs: [],
  });
  expect(cm.data['sources.yaml']).toBe(renderCatalogSources(sources));
  expect(container.env).toContainEqual({
    name: 'HF_API_KEY',
    valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } },
  });
});

test('external PostgreSQL with TLS: verify-full and the CA', () => {
  const { catalog, objects, container } = build({
    database: {
      type: 'external',
      engine: 'postgresql',
      host: 'pg.example.com',
      databaseName: 'catalog',
      username: { name: 'ext', key: 'user' },
      password: { name: 'ext', key: 'pass' },
      tls: { required: true, caSecret: { name: 'ca', key: 'ca.crt' } },
    },
  });
  expect(catalog.settings).toMatchObject({
    PGHOST: 'pg.example.com',
    PGSSLMODE: 'verify-full',
    PGSSLROOTCERT: '/etc/model-registry/database-ca/ca.crt',
    PGUSER: 'secret:ext/user',
  });
  expect(container.volumeMounts).toContainEqual({
    name: 'database-ca',
    mountPath: '/etc/model-registry/database-ca',
    readOnly: true,
  });
  expect(objects.ofKind('StatefulSet')).toHaveLength(0);
});

test('sources the catalog would refuse are errors', () => {
  expect(() =>
    build({
      sources: {
        modelCatalogs: [
          { id: 'a', name: 'A', type: 'yaml', properties: { yamlCatalogPath: 'missing.yaml' } },
          { id: 'a', name: 'B', type: 'hf' },
        ],
      },
    }),
  ).toThrow(
    [
      'ModelCatalog "Catalog": ',
      '- `sources.modelCatalogs[0].properties.yamlCatalogPath` names a file that is not in files (got "missing.yaml"). Add files["missing.yaml"], or give an absolute path mounted otherwise.',
      '- `sources.modelCatalogs[1].id` is already used by sources.modelCatalogs[0] (got "a"). Give every source its own id.',
    ].join('\n'),
  );
});
