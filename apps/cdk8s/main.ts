import { main } from './cli';

/**
 * Entry point for `cdk8s synth` (see cdk8s.yaml). The environment file is named by
 * MLOPS_ENVIRONMENT (default: the dev preset). The manifests go straight into the directory cdk8s
 * passes in CDK8S_OUTDIR (cdk8s.yaml's `output`, or `--output`), where cdk8s' validation plugins
 * look for them, together with the marker that tells the policy plugin whether the environment is
 * production. Without CDK8S_OUTDIR the output goes where `npm run synth` puts it:
 * dist/<environment name>.
 */
const config = process.env.MLOPS_ENVIRONMENT || undefined;
const outDir = process.env.CDK8S_OUTDIR || undefined;
process.exitCode = main([
  ...(config === undefined ? [] : ['--config', config]),
  ...(outDir === undefined ? [] : ['--out', outDir]),
]);
