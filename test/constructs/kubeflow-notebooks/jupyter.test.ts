import { parse } from 'yaml';
import { BillOfMaterials, REGISTRY_MIRROR_CONTEXT } from '../../../constructs/core/images';
import {
  DEFAULT_GPU_VENDORS,
  JUPYTER_WEB_APP_DEFAULT_RESOURCES,
} from '../../../constructs/kubeflow-notebooks';
import { GATEWAY_NS } from '../../fakes';
import { Manifest, NS, buildNotebooks } from './helpers';

const built = buildNotebooks();
const o = built.objects();
const deployment = o.find('Deployment', NS, 'jupyter-web-app-deployment');
const pod = deployment.spec.template.spec;
const c = pod.containers[0];
const spawner = (objects = o): Manifest =>
  parse(objects.find('ConfigMap', NS, 'jupyter-web-app-config').data['spawner_ui_config.yaml'])
    .spawnerFormDefaults;

const UPSTREAM_IMAGES = {
  image: [
    'jupyter-scipy',
    'jupyter-pytorch-full',
    'jupyter-pytorch-cuda-full',
    'jupyter-tensorflow-full',
    'jupyter-tensorflow-cuda-full',
  ],
  imageGroupOne: ['codeserver-python'],
  imageGroupTwo: ['rstudio-tidyverse'],
};
const server = (n: string) => `ghcr.io/kubeflow/kubeflow/notebook-servers/${n}:v1.11.0`;

/** `crud-web-apps/jupyter/manifests/base/cluster-role.yaml` at v1.11.0, rule by rule. */
const UPSTREAM_APP_RULES = [
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  {
    apiGroups: ['kubeflow.org'],
    resources: ['notebooks', 'notebooks/finalizers', 'poddefaults'],
    verbs: ['get', 'list', 'create', 'delete', 'patch', 'update'],
  },
  {
    apiGroups: [''],
    resources: ['persistentvolumeclaims'],
    verbs: ['create', 'delete', 'get', 'list'],
  },
  { apiGroups: [''], resources: ['events', 'nodes'], verbs: ['list'] },
  { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['list', 'get'] },
];

describe('JupyterWebApp against kubeflow/notebooks v1.11.0', () => {
  test('with only the required props: the documented defaults', () => {
    const { jupyter } = built;
    expect(jupyter.namespace).toBe(NS);
    expect(jupyter.serviceHost).toBe('jupyter-web-app-service.kubeflow.svc.cluster.local');
    expect(jupyter.replicas).toBe(1);
    expect(jupyter.resources).toEqual(JUPYTER_WEB_APP_DEFAULT_RESOURCES);
    expect(jupyter.settings).toMatchObject({
      allowCustomImage: true,
      cpu: '0.5',
      memory: '1.0Gi',
      limitFactor: '1.2',
      gpuVendors: DEFAULT_GPU_VENDORS,
      workspaceSizeGiB: 5,
    });
    expect(jupyter.settings.storageClassName).toBeUndefined();
  });

  test('image, env, port', () => {
    expect(c.name).toBe('jupyter-web-app');
    expect(c.image).toBe('ghcr.io/kubeflow/notebooks/jupyter-web-app:v1.11.0');
    expect(c.env).toEqual([
      { name: 'APP_PREFIX', value: '/jupyter' },
      { name: 'UI', value: 'default' },
      { name: 'USERID_HEADER', value: 'kubeflow-userid' },
      { name: 'USERID_PREFIX', value: '' },
      { name: 'APP_SECURE_COOKIES', value: 'true' },
      { name: 'METRICS', value: '1' },
    ]);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 5000, protocol: 'TCP' }]);
  });

  test("probes on the app's own health paths; config mounted where the app reads it", () => {
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz/liveness', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz/readiness', port: 'http' });
    expect(c.volumeMounts).toContainEqual({
      name: 'config-volume',
      mountPath: '/etc/config',
      readOnly: true,
    });
    expect(pod.volumes).toContainEqual({
      name: 'config-volume',
      configMap: { name: 'jupyter-web-app-config' },
    });
  });

  test('restricted pod as upstream user 1000, requests and limits, read-only root with /tmp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(c.resources.requests).toEqual({ cpu: '50m', memory: '256Mi' });
  });

  test("spawner config: upstream's shape, images, sizes and GPU vendors by default", () => {
    const s = spawner();
    for (const [key, names] of Object.entries(UPSTREAM_IMAGES)) {
      expect([key, s[key]]).toEqual([key, { value: server(names[0]), options: names.map(server) }]);
    }
    expect(s.allowCustomImage).toBe(true);
    expect(s.cpu).toEqual({ readOnly: false, value: '0.5', limitFactor: '1.2' });
    expect(s.memory).toEqual({ readOnly: false, value: '1.0Gi', limitFactor: '1.2' });
    expect(s.gpus.value).toEqual({
      vendor: '',
      vendors: [
        { limitsKey: 'nvidia.com/gpu', uiName: 'NVIDIA' },
        { limitsKey: 'amd.com/gpu', uiName: 'AMD' },
        { limitsKey: 'habana.ai/gaudi', uiName: 'Intel Gaudi' },
      ],
      num: 'none',
    });
    expect(s.workspaceVolume.value).toEqual({
      mount: '/home/jovyan',
      newPvc: {
        metadata: { name: '{notebook-name}-workspace' },
        spec: { resources: { requests: { storage: '5Gi' } }, accessModes: ['ReadWriteOnce'] },
      },
    });
    expect(Object.keys(s).sort()).toEqual(
      [
        'allowCustomImage',
        'hideRegistry',
        'hideTag',
        'imagePullPolicy',
        'image',
        'imageGroupOne',
        'imageGroupTwo',
        'cpu',
        'memory',
        'gpus',
        'workspaceVolume',
        'dataVolumes',
        'affinityConfig',
        'tolerationGroup',
        'shm',
        'configurations',
        'environment',
      ].sort(),
    );
  });

  test('every offered image is in the bill of materials, and a mirror rewrites them', () => {
    const bom = BillOfMaterials.of(built.chart).images();
    for (const names of Object.values(UPSTREAM_IMAGES)) {
      for (const n of names) expect(bom).toContain(server(n));
    }
    const mirrored = buildNotebooks({
      context: { [REGISTRY_MIRROR_CONTEXT]: 'mirror.internal:5000' },
    });
    const s = spawner(mirrored.objects());
    expect(s.image.value).toBe(
      'mirror.internal:5000/kubeflow/kubeflow/notebook-servers/jupyter-scipy:v1.11.0',
    );
    expect(BillOfMaterials.of(mirrored.chart).images()).toContain(s.imageGroupTwo.options[0]);
  });

  test('typed settings: images, sizes, vendors and storage class reach the spawner config', () => {
    const custom = buildNotebooks({
      jupyter: {
        images: {
          jupyter: [{ registry: 'registry.example.com', repository: 'ml/lab', tag: '2.1' }],
        },
        allowCustomImage: false,
        cpu: '1',
        memory: '4Gi',
        limitFactor: 'none',
        gpuVendors: [{ limitsKey: 'nvidia.com/gpu', uiName: 'NVIDIA' }],
        storageClassName: 'fast-ssd',
        workspaceSizeGiB: 20,
      },
    });
    const s = spawner(custom.objects());
    expect(s.image).toEqual({
      value: 'registry.example.com/ml/lab:2.1',
      options: ['registry.example.com/ml/lab:2.1'],
    });
    expect(s.imageGroupOne.value).toBe(server('codeserver-python'));
    expect(s.allowCustomImage).toBe(false);
    expect(s.cpu.value).toBe('1');
    expect(s.memory).toEqual({ readOnly: false, value: '4Gi', limitFactor: 'none' });
    expect(s.gpus.value.vendors).toEqual([{ limitsKey: 'nvidia.com/gpu', uiName: 'NVIDIA' }]);
    expect(s.workspaceVolume.value.newPvc.spec).toEqual({
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '20Gi' } },
      accessModes: ['ReadWriteOnce'],
    });
    expect(BillOfMaterials.of(custom.chart).images()).toContain('registry.example.com/ml/lab:2.1');
  });

  test('route /jupyter/ rewritten to / on Service port 80, admitted for the gateway only', () => {
    expect(built.gateway.routes).toEqual([
      {
        id: 'jupyter-web-app',
        route: {
          namespace: NS,
          prefix: '/jupyter/',
          rewrite: '/',
          destination: { host: 'jupyter-web-app-service.kubeflow.svc.cluster.local', port: 80 },
        },
      },
    ]);
    const svc = o.find('Service', NS, 'jupyter-web-app-service');
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' },
    ]);
    const policy = o.find('AuthorizationPolicy', NS, 'jupyter-web-app');
    expect(policy.spec.rules).toEqual([
      {
        from: [
          { source: { principals: [`cluster.local/ns/${GATEWAY_NS}/sa/istio-ingressgateway`] } },
        ],
        to: [{ operation: { ports: ['5000'] } }],
      },
    ]);
    expect(policy.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(built.namespace.allows.map((a) => a.id)).toEqual(['jupyter-web-app-from-gateway']);
    expect(built.namespace.allows[0].allow.ports).toEqual([{ port: 5000 }]);
  });

  test("ClusterRole: upstream's rules exactly; user roles as upstream", () => {
    expect(o.find('ClusterRole', undefined, 'jupyter-web-app-cluster-role').rules).toEqual(
      UPSTREAM_APP_RULES,
    );
    const binding = o.find('ClusterRoleBinding', undefined, 'jupyter-web-app-cluster-role-binding');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'jupyter-web-app-service-account', namespace: NS },
    ]);
    const agg = 'rbac.authorization.kubeflow.org/aggregate-to-';
    const admin = o.find('ClusterRole', undefined, 'kubeflow-notebook-ui-admin');
    expect(admin.metadata.labels[`${agg}kubeflow-admin`]).toBe('true');
    expect(admin.rules).toEqual([]);
    expect(admin.aggregationRule).toBeUndefined();
    const edit = o.find('ClusterRole', undefined, 'kubeflow-notebook-ui-edit');
    expect(edit.metadata.labels[`${agg}kubeflow-edit`]).toBe('true');
    expect(edit.rules).toEqual([
      {
        apiGroups: ['kubeflow.org'],
        resources: ['notebooks', 'notebooks/finalizers', 'poddefaults'],
        verbs: ['get', 'list', 'create', 'delete'],
      },
    ]);
    const view = o.find('ClusterRole', undefined, 'kubeflow-notebook-ui-view');
    expect(view.metadata.labels[`${agg}kubeflow-view`]).toBe('true');
    expect(view.rules).toEqual([
      {
        apiGroups: ['kubeflow.org'],
        resources: ['notebooks', 'notebooks/finalizers', 'poddefaults'],
        verbs: ['get', 'list'],
      },
      {
        apiGroups: ['storage.k8s.io'],
        resources: ['storageclasses'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
  });

  test('errors: every problem of the settings at once', () => {
    expect(() =>
      buildNotebooks({
        jupyter: {
          images: {
            rstudio: [],
            jupyter: [{ registry: 'docker.io', repository: 'x/y', tag: 'latest' }],
          },
          cpu: '500m',
          memory: '1024Mi',
          limitFactor: '0.5',
          workspaceSizeGiB: 0,
        },
      }),
    ).toThrow(
      [
        'JupyterWebApp: ',
        '- `images.jupyter[0]` is not a pinned image (got "docker.io/x/y:latest"). Name a registry and a tag other than latest.',
        '- `images.rstudio` is empty (got []). Offer at least one image.',
        '- `cpu` is not a number of cores (got "500m"). Use a decimal such as \'0.5\'; the web app multiplies it by limitFactor.',
        '- `memory` is not a number of GiB (got "1024Mi"). Use a value such as \'1.0Gi\'; the web app multiplies it by limitFactor.',
        '- `limitFactor` is not a number of at least 1 or none (got "0.5"). Use a factor such as \'1.2\'.',
        '- `workspaceSizeGiB` is not a whole number of at least 1 (got 0). Use 1 or more.',
      ].join('\n'),
    );
  });
});
