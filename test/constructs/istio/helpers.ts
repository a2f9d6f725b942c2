import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { Istio, IstioProps } from '../../../constructs/istio';
import { PlatformNamespace } from '../../../constructs/namespaces/namespace';
import { CLUSTER_ISSUER } from '../../fakes';

// Synthesized manifests are untyped JSON; tests read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Manifest = any;

export interface Fixture {
  readonly chart: Chart;
  readonly istio: Istio;
  readonly namespace: PlatformNamespace;
  readonly cniNamespace: PlatformNamespace;
}

/** The namespaces the platform creates for Istio: istio-system (restricted) and istio-cni. */
export function platformNamespaces(scope: Construct): {
  namespace: PlatformNamespace;
  cniNamespace: PlatformNamespace;
} {
  return {
    namespace: new PlatformNamespace(scope, 'IstioSystem', { name: 'istio-system' }),
    cniNamespace: new PlatformNamespace(scope, 'IstioCni', {
      name: 'istio-cni',
      podSecurity: 'privileged',
      podSecurityReason: 'The Istio CNI node agent writes CNI config on the host.',
    }),
  };
}

/** A chart with the two namespaces the platform creates and an Istio with `props` on top. */
export function istioFixture(
  props: Partial<IstioProps> = {},
  context: Record<string, unknown> = {},
): Fixture {
  const app = Testing.app();
  for (const [key, value] of Object.entries(context)) app.node.setContext(key, value);
  const chart = new Chart(app, 'test', { disableResourceNameHashes: true });
  const { namespace, cniNamespace } = platformNamespaces(chart);
  const istio = new Istio(chart, 'Istio', {
    namespace,
    cniNamespace,
    gateway: { hosts: ['kubeflow.example.com'], issuer: CLUSTER_ISSUER },
    ...props,
  });
  return { chart, istio, namespace, cniNamespace };
}

export function synth(scope: Construct): Manifest[] {
  return Testing.synth(scope as Chart);
}

/** The one object with this kind, namespace and name; fails the test otherwise. */
export function findObject(
  objects: readonly Manifest[],
  kind: string,
  namespace: string | undefined,
  name: string,
): Manifest {
  const found = objects.filter(
    (o) => o.kind === kind && o.metadata?.name === name && o.metadata?.namespace === namespace,
  );
  if (found.length !== 1) {
    const have = objects.map(
      (o) => `${o.kind} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`,
    );
    throw new Error(
      `expected one ${kind} ${namespace ?? '-'}/${name}, found ${found.length}; have:\n${have.join('\n')}`,
    );
  }
  return found[0];
}

export function objectsOfKind(objects: readonly Manifest[], kind: string): Manifest[] {
  return objects.filter((o) => o.kind === kind);
}

/** Parsed `config` and `values` of the injector ConfigMap. */
export function injectorConfig(objects: readonly Manifest[], name = 'istio-sidecar-injector') {
  const cm = findObject(objects, 'ConfigMap', 'istio-system', name);
  return {
    config: parse(cm.data.config) as {
      policy: string;
      defaultTemplates: string[];
      templates: Record<string, string>;
    },
    values: JSON.parse(cm.data.values) as Manifest,
  };
}
