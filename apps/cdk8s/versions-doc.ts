import { RELEASE_SET, releaseSetDrift } from '../../constructs/core/release-set';
import { RenderedPlatform } from '../../stacks/render';

/**
 * `versions.md`: the release set the environment follows, every upstream version it deploys
 * against the set, and the upgrade steps `install.sh` runs for an older install. Generated from
 * the components' `versions.ts` and declarations, so it cannot state another version than runs.
 */
export function versionsDoc(rendered: RenderedPlatform): string {
  const rows = rendered.versions.map((v) => {
    if (!('project' in v)) {
      return `| ${v.name} | \`${v.version}\` | not in the set | ${v.outsideReleaseSet} |`;
    }
    const set = RELEASE_SET.projects[v.project];
    const drift = releaseSetDrift(v);
    const status = drift
      ? `DRIFT: ${drift}`
      : v.version === set.version
        ? 'as in the set'
        : `newer patch: ${v.newerBecause ?? ''}`;
    return `| ${v.project} (${set.repository}) | \`${v.version}\` | \`${set.version}\` | ${status} |`;
  });
  const steps = rendered.upgrades.flatMap((u) =>
    u.steps.map((s) => {
      const refs = (list: readonly { resource: string; namespace?: string; name: string }[] = []) =>
        list
          .map((r) => `${r.resource} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`)
          .join(', ') || '-';
      return `| ${u.component} | \`${s.version}\` | ${refs(s.deleteBeforeApply)} | ${refs(s.pruneAfterApply)} | ${s.description} |`;
    }),
  );
  return [
    `# Versions of the "${rendered.environment}" environment`,
    '',
    `Release set: **${RELEASE_SET.name}** (\`${RELEASE_SET.source}\`).`,
    '',
    '| component | deploys | release set | status |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    'Every image, including those named only in flags and configuration: `images.txt`.',
    '',
    '## Upgrade steps',
    '',
    ...(steps.length > 0
      ? [
          '`install.sh` runs a step when the version it recorded at the last install',
          '(ConfigMap `kube-system/mlops-blueprint-installed`) is older than the step, or unknown.',
          '',
          '| component | upgrading to | deleted before apply | pruned after apply | why |',
          '| --- | --- | --- | --- | --- |',
          ...steps,
        ]
      : ['None for the versions above.']),
    '',
  ].join('\n');
}
