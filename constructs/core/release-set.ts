/**
 * The upstream release set the platform follows: Kubeflow's community distribution 26.03.1. Each
 * component's `versions.ts` pins what it deploys; the component declares which project of the set
 * that is (`PlatformComponent.versions`), and a test fails when a pin drifts from the set without a
 * reasoned exception. A newer patch than the set's is allowed with a reason; an older one never.
 * @see https://github.com/kubeflow/community-distribution
 */
export const RELEASE_SET = {
  name: 'Kubeflow 26.03.1',
  /** The commit of kubeflow/community-distribution the release was cut from. */
  source: 'kubeflow/community-distribution@f09f3eeaa25cc852665f460497a42b7fc68639ac',
  projects: {
    istio: { version: '1.30.1', repository: 'istio/istio' },
    'cert-manager': { version: 'v1.20.2', repository: 'cert-manager/cert-manager' },
    dex: { version: 'v2.45.1', repository: 'dexidp/dex' },
    'oauth2-proxy': { version: 'v7.15.2', repository: 'oauth2-proxy/oauth2-proxy' },
    dashboard: { version: 'v2.0.0', repository: 'kubeflow/dashboard' },
    notebooks: { version: 'v1.11.0', repository: 'kubeflow/notebooks' },
    pipelines: { version: '2.16.1', repository: 'kubeflow/pipelines' },
    'argo-workflows': { version: 'v3.7.3', repository: 'argoproj/argo-workflows' },
    seaweedfs: { version: '4.00', repository: 'seaweedfs/seaweedfs' },
    kserve: { version: 'v0.18.0', repository: 'kserve/kserve' },
    'models-web-app': { version: '0.18.0', repository: 'kserve/models-web-app' },
    'knative-serving': { version: '1.22.0', repository: 'knative/serving' },
    katib: { version: 'v0.19.0', repository: 'kubeflow/katib' },
    trainer: { version: 'v2.2.0', repository: 'kubeflow/trainer' },
    jobset: { version: 'v0.11.0', repository: 'kubernetes-sigs/jobset' },
    hub: { version: 'v0.3.9', repository: 'kubeflow/hub' },
  },
} as const;

export type ReleaseSetProject = keyof typeof RELEASE_SET.projects;

/**
 * A version a component deploys, and where it stands against the release set: a project of the
 * set, or something the set does not contain (with the reason).
 */
export type ComponentVersion =
  | {
      readonly project: ReleaseSetProject;
      readonly version: string;
      /** Why a newer patch than the set's runs here. @default - the set's version exactly */
      readonly newerBecause?: string;
    }
  | {
      /** A name for the table, e.g. `minio`. */
      readonly name: string;
      readonly version: string;
      /** Why this is not a project of the release set. */
      readonly outsideReleaseSet: string;
    };

/**
 * `[major, minor, patch]` of `v1.2.3` or `1.2.3`, and of a project numbered `major.minor` only
 * (SeaweedFS `4.00`, patch 0); `undefined` for anything else.
 */
export function semver(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?$/.exec(version);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/**
 * What is wrong with a pinned version against the release set, or `undefined` when it follows it:
 * the same version, or a newer patch of the same minor with a reason.
 */
export function releaseSetDrift(v: ComponentVersion): string | undefined {
  if (!('project' in v)) {
    return v.outsideReleaseSet.trim().length >= 10
      ? undefined
      : `${v.name} ${v.version} is outside the release set without a reason. Say why in outsideReleaseSet.`;
  }
  const wanted: string = RELEASE_SET.projects[v.project].version;
  if (v.version === wanted) {
    return v.newerBecause
      ? `${v.project} ${v.version} is the release set's version; remove newerBecause.`
      : undefined;
  }
  const have = semver(v.version);
  const set = semver(wanted);
  if (!have || !set) {
    return `${v.project} ${v.version} is not a release version (the set has ${wanted}). Pin a release tag.`;
  }
  if (have[0] !== set[0] || have[1] !== set[1] || have[2] < set[2]) {
    return `${v.project} ${v.version} drifts from ${RELEASE_SET.name} (${wanted}). Pin ${wanted}, or a newer patch of ${set[0]}.${set[1]} with a reason.`;
  }
  return v.newerBecause && v.newerBecause.trim().length >= 10
    ? undefined
    : `${v.project} ${v.version} is newer than ${RELEASE_SET.name} (${wanted}) without a reason. Say why in newerBecause.`;
}
