import { load } from 'js-yaml';
import { evaluate } from '../../../policies';
import { EnvironmentConfig } from '../../../stacks/config/schema';
import {
  Obj,
  allObjects,
  findObject,
  objectsOfKind,
  readEnvironment,
  renderEnv,
} from '../../helpers';

const DOMAIN = 'kubeflow.localhost';

function meshConfig(objects: Obj[]): Obj {
  return load(findObject(objects, 'ConfigMap', 'istio-system', 'istio').data.mesh) as Obj;
}

function serviceExists(objects: Obj[], fqdn: string, port: number): boolean {
  const [name, namespace] = fqdn.split('.');
  return objects.some(
    (o) =>
      o.kind === 'Service' &&
      o.metadata.name === name &&
      o.metadata.namespace === namespace &&
      o.spec.ports.some((p: Obj) => p.port === port),
  );
}

describe('the front door (dev preset)', () => {
  const objects = allObjects(renderEnv());

  test('Dex: issuer and the proxy client redirect agree with the gateway host', () => {
    const config = load(findObject(objects, 'ConfigMap', 'auth', 'dex').data['config.yaml']) as Obj;
    expect(config.issuer).toBe(`https://${DOMAIN}/dex`);
    const client = config.staticClients.find((c: Obj) => c.id === 'oauth2-proxy');
    expect(client.redirectURIs).toEqual([`https://${DOMAIN}/oauth2/callback`]);
    expect(client.secret).toBeUndefined();
    expect(client.secretEnv).toMatch(/^[A-Z0-9_]+$/);
    expect(config.storage).toMatchObject({ type: 'kubernetes' });
  });

  test('dev logs in with one static user whose password is generated in the cluster', () => {
    const config = load(findObject(objects, 'ConfigMap', 'auth', 'dex').data['config.yaml']) as Obj;
    expect(config.staticPasswords.map((p: Obj) => p.email)).toEqual([`admin@${DOMAIN}`]);
    expect(JSON.stringify(config.staticPasswords)).not.toMatch(/\$2[aby]\$/);
    const job = findObject(
      objects,
      'Job',
      'auth',
      'dex-password-admin-kubeflow-localhost-generator',
    );
    expect(job.spec.template.spec.containers[0].env).toContainEqual({
      name: 'SECRET_NAME',
      value: 'dex-password-admin-kubeflow-localhost',
    });
  });

  test('the ext-authz provider, CUSTOM policy, RequestAuthentication and routes refer to objects that exist', () => {
    const providers = meshConfig(objects).extensionProviders as Obj[];
    const custom = objectsOfKind(objects, 'AuthorizationPolicy').filter(
      (p) => p.spec.action === 'CUSTOM',
    );
    expect(custom).toHaveLength(1);
    const policy = custom[0];
    expect(policy.metadata.namespace).toBe('istio-system');
    expect(policy.spec.selector.matchLabels).toEqual({ istio: 'ingressgateway' });
    const provider = providers.find((p) => p.name === policy.spec.provider.name);
    expect(provider).toBeDefined();
    expect(
      serviceExists(objects, provider?.envoyExtAuthzHttp.service, provider?.envoyExtAuthzHttp.port),
    ).toBe(true);

    const ra = findObject(objects, 'RequestAuthentication', 'istio-system', 'oauth2-proxy-jwt');
    expect(ra.spec.selector.matchLabels).toEqual({ istio: 'ingressgateway' });
    const dexRule = ra.spec.jwtRules.find((r: Obj) => r.issuer === `https://${DOMAIN}/dex`);
    expect(dexRule.jwksUri).toBe('http://dex.auth.svc.cluster.local:5556/dex/keys');
    expect(dexRule.forwardOriginalToken).toBe(true);
    expect(dexRule.outputClaimToHeaders).toContainEqual({
      header: 'kubeflow-userid',
      claim: 'email',
    });

    for (const [ns, name, prefix] of [
      ['auth', 'dex', '/dex/'],
      ['oauth2-proxy', 'oauth2-proxy', '/oauth2/'],
    ]) {
      const vs = findObject(objects, 'VirtualService', ns, name);
      expect(vs.spec.gateways).toEqual(['istio-system/platform-gateway']);
      expect(vs.spec.hosts).toEqual([DOMAIN]);
      expect(vs.spec.http[0].match).toEqual([{ uri: { prefix } }]);
      const dest = vs.spec.http[0].route[0].destination;
      expect(serviceExists(objects, dest.host, dest.port.number)).toBe(true);
    }
  });

  test('Dex and the proxy run in restricted, meshed namespaces that admit only what they need', () => {
    for (const ns of ['auth', 'oauth2-proxy']) {
      const labels = findObject(objects, 'Namespace', undefined, ns).metadata.labels;
      expect(labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'istio-injection': 'enabled',
      });
    }
    const proxyPolicy = findObject(objects, 'AuthorizationPolicy', 'oauth2-proxy', 'oauth2-proxy');
    expect(JSON.stringify(proxyPolicy.spec.rules)).toContain(
      'cluster.local/ns/istio-system/sa/istio-ingressgateway',
    );
  });
});

describe('an external identity provider', () => {
  const env: EnvironmentConfig = {
    name: 'x',
    preset: 'dev',
    identity: {
      provider: 'external',
      external: {
        issuerUrl: 'https://login.example.com',
        jwksUri: 'https://login.example.com/keys',
        clientId: 'kubeflow',
        clientSecret: { name: 'kubeflow-oidc', key: 'client-secret' },
      },
    },
  };
  const rendered = renderEnv(env);
  const objects = allObjects(rendered);

  test('replaces Dex entirely: no Dex object, no auth namespace, no Dex CRDs', () => {
    expect(
      objects.filter((o) => o.metadata.namespace === 'auth' || o.metadata.name === 'auth'),
    ).toEqual([]);
    expect(
      objectsOfKind(objects, 'CustomResourceDefinition').filter(
        (c) => c.spec.group === 'dex.coreos.com',
      ),
    ).toEqual([]);
  });

  test('the client secret is a Secret the user provides in the proxy namespace', () => {
    expect(rendered.requiredSecrets).toContainEqual(
      expect.objectContaining({
        namespace: 'oauth2-proxy',
        name: 'kubeflow-oidc',
        keys: ['client-secret'],
      }),
    );
    const ra = findObject(objects, 'RequestAuthentication', 'istio-system', 'oauth2-proxy-jwt');
    expect(ra.spec.jwtRules[0]).toMatchObject({
      issuer: 'https://login.example.com',
      jwksUri: 'https://login.example.com/keys',
    });
  });
});

describe('connectors from the environment file', () => {
  test('render Dex config keys with their secrets by reference (prod)', () => {
    const objects = allObjects(renderEnv(readEnvironment('stacks/prod.yaml')));
    const config = load(findObject(objects, 'ConfigMap', 'auth', 'dex').data['config.yaml']) as Obj;
    expect(config.connectors).toEqual([
      {
        type: 'oidc',
        id: 'corporate-sso',
        name: 'Corporate SSO',
        config: expect.objectContaining({
          issuer: 'https://login.example.com',
          clientID: 'kubeflow',
          clientSecret: expect.stringMatching(/^\$[A-Z0-9_]+$/),
          redirectURI: 'https://kubeflow.example.com/dex/callback',
        }),
      },
    ]);
    expect(config.staticPasswords ?? []).toEqual([]);
  });
});

describe('no literal credential reaches the output', () => {
  test.each([
    ['prod', readEnvironment('stacks/prod.yaml')],
    ['dev', undefined],
  ])('%s: not in Secrets, ConfigMaps, env, args or the Dex config', (_name, env) => {
    const rendered = renderEnv(env);
    const report = evaluate(allObjects(rendered), { production: true });
    const credentialFindings = [...report.errors, ...report.warnings, ...report.suppressed].filter(
      (f) => f.ruleId === 'platform/literal-credentials',
    );
    expect(credentialFindings).toEqual([]);
    expect(
      objectsOfKind(allObjects(rendered), 'Secret').filter((s) => s.data || s.stringData),
    ).toEqual([]);
  });
});

describe('machine-to-machine access', () => {
  test('prod admits service account tokens of the configured issuer and audience at the gateway', () => {
    const objects = allObjects(renderEnv(readEnvironment('stacks/prod.yaml')));
    const ra = findObject(objects, 'RequestAuthentication', 'istio-system', 'oauth2-proxy-jwt');
    const rule = ra.spec.jwtRules.find((r: Obj) => r.issuer.startsWith('https://oidc.eks.'));
    expect(rule).toMatchObject({ audiences: ['kubeflow-gateway'] });
    expect(rule.outputClaimToHeaders).toContainEqual({ header: 'kubeflow-userid', claim: 'sub' });
  });

  test('is off unless configured', () => {
    const ra = findObject(
      allObjects(renderEnv()),
      'RequestAuthentication',
      'istio-system',
      'oauth2-proxy-jwt',
    );
    expect(ra.spec.jwtRules).toHaveLength(1);
  });
});

describe('identity headers come only from the gateway', () => {
  test('an EnvoyFilter first in the gateway filter chain drops client-sent identity headers', () => {
    const objects = allObjects(renderEnv());
    const filter = findObject(objects, 'EnvoyFilter', 'istio-system', 'strip-identity-headers');
    expect(filter.spec.workloadSelector.labels).toEqual({ istio: 'ingressgateway' });
    const [patch] = filter.spec.configPatches;
    expect(patch).toMatchObject({
      applyTo: 'HTTP_FILTER',
      match: { context: 'GATEWAY' },
      patch: { operation: 'INSERT_FIRST' },
    });
    const lua: string = patch.patch.value.typed_config.defaultSourceCode.inlineString;
    expect(patch.patch.value.typed_config['@type']).toBe(
      'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua',
    );
    expect(lua).toContain('function envoy_on_request(handle)');
    expect(lua).toContain('table.insert(drop, "kubeflow-userid")');
    expect(lua).toContain('table.insert(drop, "kubeflow-groups")');
    expect(lua).toContain('string.sub(name, 1, 15) == "x-auth-request-"');
  });
});

describe('install order of the front door', () => {
  test('the routes to Dex and the proxy are installed with them, in the identity layer', () => {
    const rendered = renderEnv();
    const identity = rendered.layers.find((l) => l.info.id === '05-identity');
    const routes = (identity?.objects ?? []).filter((o) => o.kind === 'VirtualService');
    expect(routes.map((r) => `${r.metadata.namespace}/${r.metadata.name}`).sort()).toEqual([
      'auth/dex',
      'oauth2-proxy/oauth2-proxy',
    ]);
  });
});
