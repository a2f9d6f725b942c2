import { parse } from 'yaml';
import { imageReference } from '../../../constructs/core/images';
import { ISTIO_IMAGES, gatewayTemplate, sidecarTemplate } from '../../../constructs/istio';
import { evaluate, pssBaseline, pssRestricted } from '../../../policies';
import { findObject, injectorConfig, istioFixture, Manifest, synth } from './helpers';
import { renderInjectionTemplate, TemplateInput } from './template-evaluator';

const objects = synth(istioFixture().chart);
const { config, values } = injectorConfig(objects);
const PROXY_IMAGE = imageReference(ISTIO_IMAGES.proxy);

/** istiod's template data for a Deployment `name` in `namespace` (see pkg/kube/inject). */
function templateData(name: string, namespace: string): TemplateInput['data'] {
  return {
    // istiod builds .ProxyImage as <hub>/<image>:<tag> from the values.
    '.ProxyImage': `${values.global.hub}/${values.global.proxy.image}:${values.global.tag}`,
    '.ProxyConfig.InterceptionMode': 'REDIRECT',
    '.Revision': '',
    '.DeploymentMeta.Name': name,
    '.DeploymentMeta.Namespace': namespace,
    '.TypeMeta.APIVersion': 'apps/v1',
    '.TypeMeta.Kind': 'Deployment',
    '.MeshConfig.TrustDomain': 'cluster.local',
    // istiod with ENABLE_NATIVE_SIDECARS=true, on a platform that assigns no UID range.
    '.NativeSidecars': true,
    '.ProxyUID': 1337,
    '.ProxyGID': 1337,
    '.ProxyConfig.HoldApplicationUntilProxyStarts.GetValue': false,
  };
}

const APP_PORT = { name: 'http', containerPort: 8888, protocol: 'TCP' };
const injected = renderInjectionTemplate(config.templates.sidecar, {
  values,
  data: templateData('notebook', 'team-a'),
  vars: { apps: ['notebook'], ports: [APP_PORT] },
});
const [validation, proxy] = injected.spec.initContainers;
const envOf = (c: Manifest): Record<string, Manifest> =>
  Object.fromEntries(c.env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom]));

const RESTRICTED_1337 = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsGroup: 1337,
  runAsNonRoot: true,
  runAsUser: 1337,
  seccompProfile: { type: 'RuntimeDefault' },
};

describe('sidecar injector configuration', () => {
  test('injects with our templates by default', () => {
    expect(config.policy).toBe('enabled');
    expect(config.defaultTemplates).toEqual(['sidecar']);
    expect(Object.keys(config.templates).sort()).toEqual(['gateway', 'sidecar']);
    expect(config.templates.sidecar).toBe(sidecarTemplate());
    expect(config.templates.gateway).toBe(gatewayTemplate());
  });

  test('the values carry the pinned proxy image, CNI mode and native sidecars', () => {
    expect(`${values.global.hub}/${values.global.proxy.image}:${values.global.tag}`).toBe(
      PROXY_IMAGE,
    );
    expect(values.global.hub).toBe('docker.io/istio');
    expect(values.global.tag).toBe('1.30.1');
    expect(values.global.variant).toBe('');
    expect(values.pilot.cni).toEqual({ enabled: true, provider: 'default' });
    expect(values.pilot.env.ENABLE_NATIVE_SIDECARS).toBe('true');
    expect(values.global.caAddress).toBe('istiod.istio-system.svc:15012');
    expect(values.global.proxy.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '2000m', memory: '1024Mi' },
    });
    expect(values.sidecarInjectorWebhook.rewriteAppHTTPProbe).toBe(true);
  });

  test('every value a template reads exists', () => {
    for (const template of Object.values(config.templates)) {
      const paths = [...template.matchAll(/\.Values\.([\w.]+)/g)].map((m) => m[1]);
      expect(paths.length).toBeGreaterThan(10);
      for (const path of paths) {
        const value = path.split('.').reduce((v: Manifest, k) => v?.[k], values);
        expect({ path, defined: value !== undefined }).toEqual({ path, defined: true });
      }
    }
  });

  test('no OTEL_RESOURCE_ATTRIBUTES: our mesh config has no OpenTelemetry tracing provider', () => {
    // Upstream 1.30 adds the variable only when an OpenTelemetry provider sets
    // serviceAttributeEnrichment; the mesh config we render can carry ext-authz providers only.
    const fixture = istioFixture();
    fixture.istio.addExtensionProvider({ name: 'authz', service: 'authz.authz.svc', port: 80 });
    const mesh = parse(
      findObject(synth(fixture.chart), 'ConfigMap', 'istio-system', 'istio').data.mesh,
    );
    expect(mesh.extensionProviders.map((p: Manifest) => Object.keys(p).sort())).toEqual([
      ['envoyExtAuthzHttp', 'name'],
    ]);
    expect(mesh.defaultProviders).toEqual({ metrics: ['prometheus'] });
    expect(config.templates.sidecar).not.toContain('OTEL_RESOURCE_ATTRIBUTES');
  });

  test('control actions stand on their own lines and balance', () => {
    for (const template of Object.values(config.templates)) {
      let depth = 0;
      for (const line of template.split('\n')) {
        const control = /^\s*\{\{- (if|range|else|end)\b/.exec(line);
        if (control?.[1] === 'if' || control?.[1] === 'range') depth++;
        if (control?.[1] === 'end') depth--;
        expect(depth).toBeGreaterThanOrEqual(0);
        // An inline action never opens a block that a later line closes.
        const inline = line.replace(/^\s*\{\{-.*\}\}\s*$/, '');
        const opens = (inline.match(/\{\{ (if|range) /g) ?? []).length;
        const ends = (inline.match(/\{\{ end \}\}/g) ?? []).length;
        expect(opens).toBe(ends);
      }
      expect(depth).toBe(0);
    }
  });
});

describe('the sidecar template renders the upstream proxy in CNI and native-sidecar mode', () => {
  test('istio-validation, then istio-proxy as a native sidecar; no privileged istio-init', () => {
    expect(injected.spec.initContainers.map((c: Manifest) => c.name)).toEqual([
      'istio-validation',
      'istio-proxy',
    ]);
    expect(injected.spec.containers).toBeUndefined();
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.lifecycle.preStop.exec.command).toEqual([
      'pilot-agent',
      'request',
      '--debug-port=15020',
      'POST',
      'drain',
    ]);
  });

  test('the proxy has the upstream image, args and ports', () => {
    expect(proxy.image).toBe(PROXY_IMAGE);
    expect(proxy.args).toEqual([
      'proxy',
      'sidecar',
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ]);
    expect(proxy.ports).toEqual([
      { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
    ]);
  });

  test('the proxy has the upstream environment', () => {
    expect(proxy.env.map((e: Manifest) => e.name)).toEqual([
      'PILOT_CERT_PROVIDER',
      'CA_ADDR',
      'POD_NAME',
      'POD_NAMESPACE',
      'INSTANCE_IP',
      'SERVICE_ACCOUNT',
      'HOST_IP',
      'ISTIO_CPU_LIMIT',
      'PROXY_CONFIG',
      'ISTIO_META_POD_PORTS',
      'ISTIO_META_APP_CONTAINERS',
      'GOMEMLIMIT',
      'GOMAXPROCS',
      'ISTIO_META_CLUSTER_ID',
      'ISTIO_META_NODE_NAME',
      'ISTIO_META_INTERCEPTION_MODE',
      'ISTIO_META_WORKLOAD_NAME',
      'ISTIO_META_OWNER',
      'ISTIO_META_MESH_ID',
      'TRUST_DOMAIN',
    ]);
    const env = envOf(proxy);
    expect(env).toMatchObject({
      PILOT_CERT_PROVIDER: 'istiod',
      CA_ADDR: 'istiod.istio-system.svc:15012',
      ISTIO_META_APP_CONTAINERS: 'notebook',
      ISTIO_META_CLUSTER_ID: 'Kubernetes',
      ISTIO_META_INTERCEPTION_MODE: 'REDIRECT',
      ISTIO_META_WORKLOAD_NAME: 'notebook',
      ISTIO_META_OWNER: 'kubernetes://apis/apps/v1/namespaces/team-a/deployments/notebook',
      ISTIO_META_MESH_ID: 'cluster.local',
      TRUST_DOMAIN: 'cluster.local',
    });
    expect(env.INSTANCE_IP).toEqual({ fieldRef: { fieldPath: 'status.podIP' } });
    expect(env.GOMEMLIMIT).toEqual({
      resourceFieldRef: { divisor: '1', resource: 'limits.memory' },
    });
  });

  test('the proxy has the upstream probes, resources and a restricted security context', () => {
    const health = { path: '/healthz/ready', port: 15021 };
    expect(proxy.startupProbe).toEqual({
      httpGet: health,
      initialDelaySeconds: 0,
      periodSeconds: 1,
      timeoutSeconds: 3,
      failureThreshold: 600,
    });
    expect(proxy.readinessProbe).toEqual({
      httpGet: health,
      initialDelaySeconds: 0,
      periodSeconds: 15,
      timeoutSeconds: 3,
      failureThreshold: 4,
    });
    expect(proxy.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '2000m', memory: '1024Mi' },
    });
    expect(proxy.securityContext).toEqual(RESTRICTED_1337);
  });

  test('the proxy mounts the upstream volumes', () => {
    expect(proxy.volumeMounts).toEqual([
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
      { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/run/secrets/istio/crl', name: 'istio-ca-crl' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ]);
    expect(injected.spec.volumes.map((v: Manifest) => v.name)).toEqual([
      'workload-socket',
      'credential-socket',
      'workload-certs',
      'istio-envoy',
      'istio-data',
      'istio-podinfo',
      'istio-token',
      'istiod-ca-cert',
      'istio-ca-crl',
    ]);
    const byName = Object.fromEntries(injected.spec.volumes.map((v: Manifest) => [v.name, v]));
    expect(byName['istio-envoy'].emptyDir).toEqual({ medium: 'Memory' });
    expect(byName['istio-token'].projected.sources[0].serviceAccountToken).toEqual({
      audience: 'istio-ca',
      expirationSeconds: 43200,
      path: 'istio-token',
    });
    expect(byName['istiod-ca-cert'].configMap).toEqual({ name: 'istio-ca-root-cert' });
    expect(byName['istio-ca-crl'].configMap).toEqual({ name: 'istio-ca-crl', optional: true });
  });

  test('istio-validation only checks the redirection the CNI agent set up', () => {
    expect(validation.image).toBe(PROXY_IMAGE);
    expect(validation.args).toEqual([
      'istio-iptables',
      '-p',
      '15001',
      '-z',
      '15006',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      '*',
      '-x',
      '',
      '-b',
      '*',
      '-d',
      '15090,15021,15020',
      '--log_output_level=default:info',
      '--run-validation',
      '--skip-rule-apply',
    ]);
    expect(validation.securityContext).toEqual(RESTRICTED_1337);
    expect(validation.resources).toEqual(proxy.resources);
    expect(validation.readinessProbe).toBeUndefined();
  });

  test('pod metadata tells the CNI agent how to redirect', () => {
    expect(injected.metadata.labels).toEqual({
      'security.istio.io/tlsMode': 'istio',
      'service.istio.io/canonical-name': 'notebook',
      'service.istio.io/canonical-revision': 'latest',
    });
    expect(injected.metadata.annotations).toEqual({
      'istio.io/rev': 'default',
      'kubectl.kubernetes.io/default-container': 'notebook',
      'kubectl.kubernetes.io/default-logs-container': 'notebook',
      'sidecar.istio.io/interceptionMode': 'REDIRECT',
      'traffic.sidecar.istio.io/includeOutboundIPRanges': '*',
      'traffic.sidecar.istio.io/includeInboundPorts': '*',
      'traffic.sidecar.istio.io/excludeInboundPorts': '15020',
    });
  });

  test('an injected application pod passes Pod Security restricted', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'notebook', namespace: 'team-a' },
      spec: {
        // The application sets its security context per container only: the injected
        // containers must carry their own seccomp profile.
        containers: [
          {
            name: 'notebook',
            image: 'example.com/notebook:1.0.0',
            ports: [APP_PORT],
            resources: {
              requests: { cpu: '1', memory: '1Gi' },
              limits: { cpu: '1', memory: '1Gi' },
            },
            securityContext: { ...RESTRICTED_1337, runAsUser: 1000, runAsGroup: 1000 },
          },
        ],
        initContainers: injected.spec.initContainers,
        volumes: injected.spec.volumes,
      },
    };
    const report = evaluate([pod], { packs: [pssBaseline, pssRestricted] });
    expect(report.errors).toEqual([]);
  });
});

describe('native sidecar mode and proxy identity come from istiod, per pod, as upstream', () => {
  /** The sidecar template rendered for the notebook pod with other template data or annotations. */
  function render(
    data: Record<string, unknown>,
    annotations: Record<string, string> = {},
  ): Manifest {
    return renderInjectionTemplate(config.templates.sidecar, {
      values,
      data: { ...templateData('notebook', 'team-a'), ...data },
      annotations,
      vars: { apps: ['notebook'], ports: [APP_PORT] },
    });
  }
  const placement = (pod: Manifest): Record<string, string[]> => ({
    initContainers: (pod.spec.initContainers ?? []).map((c: Manifest) => c.name),
    containers: (pod.spec.containers ?? []).map((c: Manifest) => c.name),
  });
  const proxyOf = (pod: Manifest): Manifest =>
    [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].find(
      (c: Manifest) => c.name === 'istio-proxy',
    );
  const NATIVE = { initContainers: ['istio-validation', 'istio-proxy'], containers: [] };
  const REGULAR = { initContainers: ['istio-validation'], containers: ['istio-proxy'] };

  test.each([
    { native: true, annotation: undefined, expected: NATIVE },
    { native: false, annotation: undefined, expected: REGULAR },
    { native: true, annotation: 'false', expected: REGULAR },
    { native: false, annotation: 'true', expected: NATIVE },
    // Upstream compares with "false" only: any other value means native.
    { native: false, annotation: 'yes', expected: NATIVE },
  ])(
    '.NativeSidecars $native with annotation $annotation places the proxy accordingly',
    ({ native, annotation, expected }) => {
      const pod = render(
        { '.NativeSidecars': native },
        annotation === undefined ? {} : { 'sidecar.istio.io/nativeSidecar': annotation },
      );
      expect(placement(pod)).toEqual(expected);
      const proxy = proxyOf(pod);
      if (expected === NATIVE) {
        expect(proxy.restartPolicy).toBe('Always');
        expect(proxy.lifecycle).toEqual({
          preStop: {
            exec: { command: ['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain'] },
          },
        });
      } else {
        // A regular container: no restart policy, and no drain hook (pilot-agent drains on
        // SIGTERM); Kubernetes rejects restartPolicy on a regular container.
        expect(proxy.restartPolicy).toBeUndefined();
        expect(proxy.lifecycle).toBeUndefined();
      }
    },
  );

  test('the proxy is the same container in either place, apart from the sidecar fields', () => {
    const SIDECAR_FIELDS = new Set(['restartPolicy', 'lifecycle']);
    const strip = (c: Manifest): Manifest =>
      Object.fromEntries(Object.entries(c).filter(([k]) => !SIDECAR_FIELDS.has(k)));
    expect(strip(proxyOf(render({ '.NativeSidecars': false })))).toEqual(strip(proxy));
  });

  test('holdApplicationUntilProxyStarts holds the application only without a native sidecar', () => {
    const hold = { '.ProxyConfig.HoldApplicationUntilProxyStarts.GetValue': true };
    const regular = proxyOf(render({ ...hold, '.NativeSidecars': false }));
    expect(regular.lifecycle).toEqual({
      postStart: { exec: { command: ['pilot-agent', 'wait'] } },
    });
    // A native sidecar is started before the application anyway.
    const native = proxyOf(render({ ...hold, '.NativeSidecars': true }));
    expect(Object.keys(native.lifecycle)).toEqual(['preStop']);
  });

  test('a pod without a native sidecar passes Pod Security restricted too', () => {
    const injectedRegular = render({ '.NativeSidecars': false });
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'notebook', namespace: 'team-a' },
      spec: {
        containers: [
          {
            name: 'notebook',
            image: 'example.com/notebook:1.0.0',
            securityContext: { ...RESTRICTED_1337, runAsUser: 1000, runAsGroup: 1000 },
          },
          ...injectedRegular.spec.containers,
        ],
        initContainers: injectedRegular.spec.initContainers,
        volumes: injectedRegular.spec.volumes,
      },
    };
    expect(evaluate([pod], { packs: [pssBaseline, pssRestricted] }).errors).toEqual([]);
  });

  test('the proxy runs as .ProxyUID/.ProxyGID, and redirection exempts that UID', () => {
    // As istiod computes them on OpenShift: the top of the namespace's assigned ranges.
    const pod = render({ '.ProxyUID': 1000680000, '.ProxyGID': 1000680001 });
    const [validationContainer, proxyContainer] = pod.spec.initContainers;
    for (const c of [validationContainer, proxyContainer]) {
      expect(c.securityContext).toEqual({
        ...RESTRICTED_1337,
        runAsUser: 1000680000,
        runAsGroup: 1000680001,
      });
    }
    const args: string[] = validationContainer.args;
    expect(args[args.indexOf('-u') + 1]).toBe('1000680000');
    const gateway = renderInjectionTemplate(config.templates.gateway, {
      values,
      data: { ...templateData('gw', 'ingress'), '.ProxyUID': 1000680000, '.ProxyGID': 1000680001 },
      vars: { apps: [], ports: [] },
    });
    expect(gateway.spec.containers[0].securityContext).toMatchObject({
      runAsUser: 1000680000,
      runAsGroup: 1000680001,
    });
  });

  test('without .ProxyUID/.ProxyGID the templates fall back to 1337, like upstream', () => {
    const pod = render({ '.ProxyUID': undefined, '.ProxyGID': undefined });
    expect(pod.spec.initContainers[1].securityContext).toEqual(RESTRICTED_1337);
    expect(pod.spec.initContainers[0].args).toContain('1337');
  });

  test('the template reads the same inputs as upstream, and no fixed 1337 remains', () => {
    const sidecar = config.templates.sidecar;
    expect(sidecar).toContain(
      '$nativeSidecar := ne (index .ObjectMeta.Annotations "sidecar.istio.io/nativeSidecar" | default (printf "%t" .NativeSidecars)) "false"',
    );
    for (const template of Object.values(config.templates)) {
      expect(template).toContain('runAsUser: {{ .ProxyUID | default "1337" }}');
      expect(template).toContain('runAsGroup: {{ .ProxyGID | default "1337" }}');
      expect(template.replace(/default "1337"/g, '')).not.toContain('1337');
    }
  });
});

describe('the gateway template and the ingress gateway', () => {
  const gatewayDeployment = findObject(
    objects,
    'Deployment',
    'istio-system',
    'istio-ingressgateway',
  );
  const explicitPod = gatewayDeployment.spec.template;
  const explicit = explicitPod.spec.containers[0];
  const rendered = renderInjectionTemplate(config.templates.gateway, {
    values,
    data: templateData('istio-ingressgateway', 'istio-system'),
    vars: { apps: [], ports: explicit.ports },
  });
  const templated = rendered.spec.containers[0];

  test('the explicit gateway pod is the proxy the gateway template produces', () => {
    expect(templated.name).toBe('istio-proxy');
    expect(explicit.name).toBe('istio-proxy');
    for (const field of ['image', 'args', 'readinessProbe', 'securityContext', 'volumeMounts']) {
      expect({ field, value: explicit[field] }).toEqual({ field, value: templated[field] });
    }
    expect(explicit.env.map((e: Manifest) => e.name)).toEqual(
      templated.env.map((e: Manifest) => e.name),
    );
    const explicitEnv = envOf(explicit);
    const templatedEnv = envOf(templated);
    for (const name of [
      'PILOT_CERT_PROVIDER',
      'CA_ADDR',
      'ISTIO_META_APP_CONTAINERS',
      'ISTIO_META_CLUSTER_ID',
      'ISTIO_META_INTERCEPTION_MODE',
      'ISTIO_META_WORKLOAD_NAME',
      'ISTIO_META_OWNER',
      'ISTIO_META_MESH_ID',
      'TRUST_DOMAIN',
      'POD_NAMESPACE',
      'GOMAXPROCS',
    ]) {
      expect({ name, value: explicitEnv[name] }).toEqual({ name, value: templatedEnv[name] });
    }
    expect(explicitEnv.PROXY_CONFIG).toBe('{}');
    expect(explicit.ports).toContainEqual(templated.ports[0]);
    expect(explicitPod.spec.volumes).toEqual(rendered.spec.volumes);
    expect(explicitPod.spec.securityContext.sysctls).toEqual(rendered.spec.securityContext.sysctls);
  });

  test('the gateway template has no startup probe and no CRL volume, like upstream', () => {
    expect(templated.startupProbe).toBeUndefined();
    expect(rendered.spec.volumes.map((v: Manifest) => v.name)).not.toContain('istio-ca-crl');
    expect(templated.args[1]).toBe('router');
  });
});
