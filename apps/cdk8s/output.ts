import { KubeObject, RenderedPlatform } from '../../stacks/render';
import { accessMarkdown, accessReport } from '../../stacks/access';
import { installScript } from './install-script';
import { smokeScript } from './smoke-script';
import { smokeRegistryScript } from './smoke-registry';
import { smokeServingScript } from './smoke-serving';
import { smokeTrainingScript } from './smoke-training';
import { versionsDoc } from './versions-doc';
import { yamlDocument } from './yaml';

// Writing moved to write-output.ts; re-exported for existing importers.
export { OutputError, writeOutput } from './write-output';
export type { WriteOptions } from './write-output';

export interface OutputFile {
  readonly name: string;
  readonly content: string;
  /** File mode; the install script is executable. @default 0o644 */
  readonly mode?: number;
}

/** YAML without line folding or anchors; strings YAML 1.1 would read as other types are quoted. */
function stringify(value: Record<string, unknown>): string {
  return yamlDocument(value);
}

/** Objects as a multi-document YAML stream; stable for the same input. */
export function toYaml(objects: readonly KubeObject[]): string {
  return objects.map(stringify).join('---\n');
}

/**
 * Everything `dist/` holds for a rendered platform: one manifest file per non-empty layer in
 * install order, an install script that applies each layer and waits for it, a kustomization,
 * and the bill of materials.
 */
export function outputFiles(rendered: RenderedPlatform): OutputFile[] {
  const layers = rendered.layers.filter((l) => l.objects.length > 0);
  const files: OutputFile[] = layers.map((l) => ({
    name: `${l.info.id}.k8s.yaml`,
    content: toYaml(l.objects),
  }));

  const script = installScript(rendered);
  files.push({ name: 'install.sh', content: script, mode: 0o755 });
  // Opt-in, after an install: a one-step pipeline run in a tenant, end to end.
  const smoke = smokeScript(rendered);
  if (smoke !== undefined) files.push({ name: 'smoke-pipelines.sh', content: smoke, mode: 0o755 });
  const servingSmoke = rendered.objectStoreBucket
    ? smokeServingScript(rendered, { objectStore: { bucket: rendered.objectStoreBucket } })
    : undefined;
  if (servingSmoke !== undefined) {
    files.push({ name: 'smoke-serving.sh', content: servingSmoke, mode: 0o755 });
  }
  // Opt-in: a two-trial random search in a tenant, when Katib is rendered.
  const trainingSmoke = smokeTrainingScript(rendered);
  if (trainingSmoke !== undefined) {
    files.push({ name: 'smoke-training.sh', content: trainingSmoke, mode: 0o755 });
  }
  // Opt-in: log a run to MLflow and register a model version, when either is rendered.
  const registrySmoke = smokeRegistryScript(rendered);
  if (registrySmoke !== undefined) {
    files.push({ name: 'smoke-registry.sh', content: registrySmoke, mode: 0o755 });
  }

  files.push({
    name: 'kustomization.yaml',
    content: stringify({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: layers.map((l) => `${l.info.id}.k8s.yaml`),
    }),
  });
  files.push({ name: 'images.txt', content: rendered.images.map((i) => `${i}\n`).join('') });
  files.push({ name: 'versions.md', content: versionsDoc(rendered) });
  // The JSON form comes from `mlops-blueprint access --format json`: a .json file here would be
  // read as a manifest by `kubectl apply -f <dir>` and the policy CLI.
  files.push({ name: 'access.md', content: accessMarkdown(accessReport(rendered)) });
  return files;
}
