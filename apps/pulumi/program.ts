import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { ReadinessCheck } from '../../constructs/core/component';
import { pulumiSecretConfigKeys } from '../../constructs/core/secrets';
import { KubeObject, RenderedLayer, RenderedPlatform } from '../../stacks/render';

/** The Kubernetes provider's annotation for a readiness condition of its own choosing. */
export const PULUMI_WAIT_FOR = 'pulumi.com/waitFor';

const WEBHOOK_KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

/**
 * What `install.sh` waits for beyond the provider's own await logic, as the provider's
 * `pulumi.com/waitFor` annotation: the custom resources the components declare (issuers and
 * certificates Ready) and webhook configurations whose CA a controller injects. Without it the
 * next layer could reach a webhook before it can be called. Added on the Pulumi side only, so
 * the manifests stay as cdk8s writes them.
 */
export function withPulumiAwait(obj: KubeObject, readiness: readonly ReadinessCheck[]): KubeObject {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const check = readiness.find((c) => c.kind === obj.kind && c.group === group);
  const hooks = WEBHOOK_KINDS.includes(obj.kind)
    ? ((obj.webhooks ?? []) as { clientConfig?: { caBundle?: string } }[])
    : [];
  const waitFor = check
    ? `condition=${check.condition ?? 'Ready'}`
    : hooks.length > 0 && !hooks.every((h) => h.clientConfig?.caBundle)
      ? 'jsonpath={.webhooks[0].clientConfig.caBundle}'
      : undefined;
  if (!waitFor) return obj;
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...(obj.metadata.annotations ?? {}), [PULUMI_WAIT_FOR]: waitFor },
    },
  };
}

/** Reads a Pulumi secret config value; injected so that tests need no stack. */
export type SecretConfigReader = (configKey: string) => pulumi.Output<string>;

/** The Pulumi type of a layer component. */
export const LAYER_TYPE = 'mlops-blueprint:platform:Layer';

/**
 * Gives a Secret declared for the Pulumi engine its values from stack secret config. Every other
 * object is handed over exactly as cdk8s writes it.
 */
export function withPulumiSecrets(obj: KubeObject, readSecret: SecretConfigReader): KubeObject {
  const keys = obj.kind === 'Secret' ? pulumiSecretConfigKeys(obj) : undefined;
  if (!keys) return obj;
  return {
    ...obj,
    stringData: Object.fromEntries(
      Object.entries(keys).map(([k, configKey]) => [k, readSecret(configKey)]),
    ),
  };
}

/**
 * One install layer: a component named by the layer id (e.g. `01-crds`) whose only child is a
 * `kubernetes:yaml/v2:ConfigGroup` of the layer's objects, exactly as cdk8s renders them (plus the
 * `pulumi.com/waitFor` annotations of {@link withPulumiAwait}).
 *
 * The ConfigGroup is a provider-side (remote) component: the Kubernetes provider registers one
 * resource per object as its children, orders them within the layer (CRDs before their custom
 * resources, Namespaces before what lives in them, `config.kubernetes.io/depends-on`) and does not
 * finish until every child is created and awaited (Deployments, StatefulSets, DaemonSets, Jobs,
 * Services, ...). A resource that depends on this component therefore waits for the whole layer.
 */
export class PlatformLayer extends pulumi.ComponentResource {
  /** The layer id, e.g. `01-crds`. */
  public readonly layerId: string;
  public readonly group: k8s.yaml.v2.ConfigGroup;
  /** The resources the Kubernetes provider created for the layer's objects. */
  public readonly resources: pulumi.Output<unknown[]>;

  public constructor(
    layer: RenderedLayer,
    readSecret: SecretConfigReader,
    opts: pulumi.ComponentResourceOptions = {},
    readiness: readonly ReadinessCheck[] = [],
  ) {
    super(LAYER_TYPE, layer.info.id, {}, opts);
    this.layerId = layer.info.id;
    this.group = new k8s.yaml.v2.ConfigGroup(
      layer.info.id,
      {
        objs: layer.objects.map((o) =>
          withPulumiSecrets(withPulumiAwait(o, readiness), readSecret),
        ),
      },
      { parent: this },
    );
    this.resources = this.group.resources;
    this.registerOutputs({ resources: this.resources });
  }
}

export interface DeployedLayer {
  readonly id: string;
  readonly component: PlatformLayer;
  readonly group: k8s.yaml.v2.ConfigGroup;
}

/**
 * Deploys a rendered platform: one {@link PlatformLayer} per non-empty layer, in install order,
 * each depending on the one before. The SDK expands that dependency to the previous layer's
 * ConfigGroup, which completes only when all of its objects are created and awaited, so Pulumi
 * applies the layers in order and each layer starts once the previous one is up.
 *
 * `opts` apply to every layer (e.g. a Kubernetes provider); a `dependsOn` in them is kept on the
 * first layer, which every later layer waits for in turn.
 */
export function deployPlatform(
  rendered: RenderedPlatform,
  readSecret: SecretConfigReader,
  opts: pulumi.ComponentResourceOptions = {},
): DeployedLayer[] {
  const deployed: DeployedLayer[] = [];
  for (const layer of rendered.layers) {
    if (layer.objects.length === 0) continue;
    const previous = deployed[deployed.length - 1];
    const component = new PlatformLayer(
      layer,
      readSecret,
      previous ? { ...opts, dependsOn: [previous.component] } : opts,
      rendered.readiness,
    );
    deployed.push({ id: layer.info.id, component, group: component.group });
  }
  return deployed;
}
