import * as pulumi from '@pulumi/pulumi';
import { Contracts } from '../../constructs/core/component';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { synthesize } from '../../stacks/pipeline';
import { deployPlatform } from './program';

/**
 * `pulumi up`: the environment object lives in stack config under `mlops-platform:environment`
 * (see Pulumi.dev.yaml) and is validated by the same schema as an environment file.
 */
const config = new pulumi.Config();
const environment = config.requireObject<EnvironmentConfig>('environment');
const stack = pulumi.getStack();

// The same pipeline as `npm run synth`: validate, build, render, policy gate. The CrossGuard pack
// (`pulumi up --policy-pack policies/pulumi`) checks the resources once more.
let objectStoreEndpointUrl: string | undefined;
const { rendered } = synthesize(environment, {
  source: `Pulumi stack ${stack} (config mlops-platform:environment)`,
  customize: (platform) => {
    objectStoreEndpointUrl = platform.contract(Contracts.objectStore)?.endpointUrl;
  },
});
const layers = deployPlatform(rendered, (key) => config.requireSecret(key));

export const environmentName = rendered.environment;
export const installedLayers = layers.map((l) => l.id);
export const objectStoreEndpoint = objectStoreEndpointUrl;
export const images = rendered.images;
