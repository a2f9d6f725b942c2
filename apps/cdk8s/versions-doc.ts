import { RELEASE_SET, releaseSetDrift } from '../../constructs/core/release-set';
import { RenderedPlatform } from '../../stacks/render';

/** The heading of `versions.md`'s install record section. */
export const INSTALL_RECORD_HEADING = '## Install record';

/**
 * The versions `install.sh` records per component (`versions.md`'s install record section), or
 * `undefined` for a `versions.md` written before the section existed.
 */
export function parseInstallRecord(markdown: string): Map<string, string> | undefined {
  const at = markdown.indexOf(`\n${INSTALL_RECORD_HEADING}\n`);
  if (at < 0) return undefined;
  const out = new Map<string, string>();
  for (const line of markdown.slice(at).split('\n').slice(2)) {
    if (line.startsWith('## ')) break;
    const row = /^\| ([^|`]+?) \| `([^`]+)` \|$/.exec(line);
    if (row) out.set(row[1], row[2]);
  }
  return out;
}

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
    INSTALL_RECORD_HEADING,
    '',
    '`install.sh` records these versions when it installs this output; its upgrade steps, and',
    '`mlops-blueprint plan` against this directory, compare with them.',
    '',
    '| component | recorded version |',
    '| --- | --- |',
    ...rendered.upgrades.map((u) => `| ${u.component} | \`${u.version}\` |`),
    '',
  ].join('\n');
}
