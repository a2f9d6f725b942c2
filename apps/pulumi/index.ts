import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { EnvironmentConfig } from '../../stacks/config/schema';
import { MlopsPlatform } from '../../stacks/platform';
import { renderPlatform } from '../../stacks/render';
import { deployPlatform } from './program';

/**
 * `pulumi up`: the environment object lives in stack config under `mlops-platform:environment`
 * (see Pulumi.dev.yaml) and is validated by the same schema as an environment file.
 */
const config = new pulumi.Config();
const environment = config.requireObject<EnvironmentConfig>('environment');
const stack = pulumi.getStack();

const platform = new MlopsPlatform(new App(), 'Platform', {
  environment,
  source: `Pulumi stack ${stack} (config mlops-platform:environment)`,
});
const rendered = renderPlatform(platform);
const layers = deployPlatform(rendered, (key) => config.requireSecret(key));

export const environmentName = rendered.environment;
export const installedLayers = layers.map((l) => l.id);
export const objectStoreEndpoint = platform.objectStore.endpointUrl;
export const images = rendered.images;
