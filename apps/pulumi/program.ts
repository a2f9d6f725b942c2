import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { pulumiSecretConfigKeys } from '../../constructs/core/secrets';
import { KubeObject, RenderedPlatform } from '../../stacks/render';

/** Reads a Pulumi secret config value; injected so that tests need no stack. */
export type SecretConfigReader = (configKey: string) => pulumi.Output<string>;

export interface DeployedLayer {
  readonly id: string;
  readonly group: k8s.yaml.ConfigGroup;
}

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
 * Deploys a rendered platform: one ConfigGroup per non-empty layer, each depending on the one
 * before, so Pulumi applies the layers in install order and waits for each layer's workloads
 * (the Kubernetes provider awaits Deployments, StatefulSets and Jobs) before the next.
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
    const group = new k8s.yaml.ConfigGroup(
      layer.info.id,
      { objs: layer.objects.map((o) => withPulumiSecrets(o, readSecret)) },
      { ...opts, ...(previous ? { dependsOn: [previous.group] } : {}) },
    );
    deployed.push({ id: layer.info.id, group });
  }
  return deployed;
}
