import { ConfigError } from '../../stacks/config/problems';
import { PolicyGateError, synth } from './synth';

/**
 * Entry point for `cdk8s synth` (see cdk8s.yaml). The environment file is named by
 * MLOPS_ENVIRONMENT (default: the dev preset); the output directory is the one cdk8s passes in
 * CDK8S_OUTDIR.
 */
try {
  synth({
    configPath: process.env.MLOPS_ENVIRONMENT || undefined,
    outDir: process.env.CDK8S_OUTDIR ?? 'dist',
  });
} catch (err) {
  if (!(err instanceof ConfigError || err instanceof PolicyGateError)) throw err;
  console.error(err.message);
  console.error('Nothing was written.');
  process.exitCode = 1;
}
