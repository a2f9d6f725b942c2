import { RenderedPlatform } from '../stacks/render';
import { Obj, podSpecs } from './helpers';

/** Kinds the API server knows without a CRD (what this platform may emit). */
const BUILT_IN_GROUPS = new Set([
  'v1',
  'apps/v1',
  'batch/v1',
  'rbac.authorization.k8s.io/v1',
  'networking.k8s.io/v1',
  'policy/v1',
  'autoscaling/v2',
  'apiextensions.k8s.io/v1',
  'admissionregistration.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
  'coordination.k8s.io/v1',
]);
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
/** ConfigMaps that controllers create in every namespace at runtime. */
const RUNTIME_CONFIGMAPS = new Set(['kube-root-ca.crt', 'istio-ca-root-cert']);
const BUILT_IN_CLUSTER_ROLES = new Set(['admin', 'edit', 'view', 'cluster-admin']);

const key = (kind: string, ns: string | undefined, name: string): string =>
  `${kind}/${ns ?? ''}/${name}`;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Labels of pods that controllers create at runtime, which no object of the output templates. */
const RUNTIME_POD_LABELS = ['serving.kserve.io/inferenceservice'];

/**
 * Checks that the objects of a rendered platform refer to each other correctly. Returns one line
 * per problem; an empty list means the platform holds together.
 */
export function checkIntegrity(rendered: RenderedPlatform): string[] {
  const problems: string[] = [];
  // Namespaces of components the cluster brings exist before the first layer.
  const seen = new Set<string>(
    rendered.requiredNamespaces.map((n) => key('Namespace', undefined, n.name)),
  );
  // CRDs the cluster brings count as installed before the first layer.
  const crdsSoFar = new Map<string, Set<string> | 'any'>(
    rendered.requiredCrds.map((c) => [`${c.group}/${c.kind}`, 'any']),
  );
  const all = rendered.layers.flatMap((l) => l.objects) as Obj[];
  const byKey = new Set(all.map((o) => key(o.kind, o.metadata.namespace, o.metadata.name)));
  const has = (kind: string, ns: string | undefined, name: string): boolean =>
    byKey.has(key(kind, ns, name));
  const pods = podSpecs(all);
  // Secrets the in-cluster generator creates: in its own namespace and those it shares them with.
  const generatedSecrets = new Set(
    pods.flatMap(({ owner, spec }) => {
      if (owner.kind !== 'Job') return [];
      const env = new Map<string, string>(
        [...spec.containers, ...(spec.initContainers ?? [])]
          .flatMap((c: Obj) => c.env ?? [])
          .map((e: Obj) => [e.name, e.value]),
      );
      const name = env.get('SECRET_NAME');
      if (!name) return [];
      // The object store's scoped keys are written into the namespace they are for.
      const tenant = env.get('TENANT_NAMESPACE');
      if (tenant) return [key('Secret', tenant, name)];
      const shared = (env.get('SHARED_WITH') ?? '').split(' ').filter(Boolean);
      return [owner.metadata.namespace, ...shared].map((ns) => key('Secret', ns, name));
    }),
  );
  const required = new Set(rendered.requiredSecrets.map((s) => key('Secret', s.namespace, s.name)));
  // Secrets cert-manager writes for the Certificates of the output.
  const certificateSecrets = new Set(
    all
      .filter((o) => o.kind === 'Certificate')
      .map((o) => key('Secret', o.metadata.namespace, o.spec?.secretName as string)),
  );
  const secretExists = (ns: string | undefined, name: string): boolean =>
    has('Secret', ns, name) ||
    generatedSecrets.has(key('Secret', ns, name)) ||
    certificateSecrets.has(key('Secret', ns, name)) ||
    required.has(key('Secret', ns, name));

  for (const layer of rendered.layers) {
    for (const o of layer.objects as Obj[]) {
      const id = `${layer.info.id} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      const k = key(o.kind, o.metadata.namespace, o.metadata.name);
      if (seen.has(k)) problems.push(`${id}: declared twice`);
      seen.add(k);

      if (!BUILT_IN_GROUPS.has(o.apiVersion)) {
        const [group, version] = o.apiVersion.split('/');
        const served = crdsSoFar.get(`${group}/${o.kind}`);
        if (!served) {
          problems.push(`${id}: no CRD for ${o.apiVersion} ${o.kind} in an earlier layer`);
        } else if (served !== 'any' && !served.has(version)) {
          problems.push(`${id}: ${o.kind} ${version} is not a served version of its CRD`);
        }
      }
      const ns = o.metadata.namespace;
      if (ns && !SYSTEM_NAMESPACES.has(ns) && !seen.has(key('Namespace', undefined, ns))) {
        problems.push(`${id}: namespace ${ns} is not created in this or an earlier layer`);
      }
    }
    // CRDs of this layer serve the next layers only.
    for (const o of layer.objects as Obj[]) {
      if (o.kind === 'CustomResourceDefinition') {
        const served = (o.spec.versions as Obj[])
          .filter((v) => v.served)
          .map((v) => v.name as string);
        crdsSoFar.set(`${o.spec.group}/${o.spec.names.kind}`, new Set(served));
      }
    }
  }

  for (const { owner, spec } of pods) {
    const ns = owner.metadata.namespace;
    const id = `${owner.kind} ${ns}/${owner.metadata.name}`;
    if (owner.kind !== 'Pod' && owner.kind !== 'CronJob' && owner.kind !== 'Job') {
      if (!matches(owner.spec.selector.matchLabels, owner.spec.template.metadata.labels)) {
        problems.push(`${id}: selector does not match its pod template`);
      }
    }
    const sa = spec.serviceAccountName;
    if (sa && !has('ServiceAccount', ns, sa))
      problems.push(`${id}: ServiceAccount ${sa} does not exist`);
    const claimTemplates = new Set(
      (owner.spec.volumeClaimTemplates ?? []).map((t: Obj) => t.metadata.name),
    );
    const containers: Obj[] = [...(spec.initContainers ?? []), ...spec.containers];
    const mounts = new Set(
      containers.flatMap((c) => (c.volumeMounts ?? []).map((m: Obj) => m.name)),
    );
    const volumes = new Set((spec.volumes ?? []).map((v: Obj) => v.name));
    for (const m of mounts) {
      if (!volumes.has(m) && !claimTemplates.has(m))
        problems.push(`${id}: volume mount ${String(m)} has no volume`);
    }
    for (const v of spec.volumes ?? []) {
      if (
        v.configMap &&
        !has('ConfigMap', ns, v.configMap.name) &&
        !RUNTIME_CONFIGMAPS.has(v.configMap.name) &&
        !v.configMap.optional
      ) {
        problems.push(`${id}: ConfigMap ${v.configMap.name} does not exist`);
      }
      if (v.secret && !secretExists(ns, v.secret.secretName) && !v.secret.optional) {
        problems.push(`${id}: Secret ${v.secret.secretName} does not exist`);
      }
      if (
        v.persistentVolumeClaim &&
        !has('PersistentVolumeClaim', ns, v.persistentVolumeClaim.claimName)
      ) {
        problems.push(
          `${id}: PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} does not exist`,
        );
      }
    }
    for (const c of containers) {
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && !secretExists(ns, s.name) && !s.optional)
          problems.push(`${id}: Secret ${s.name} (env ${e.name}) does not exist`);
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !has('ConfigMap', ns, cm.name) && !cm.optional)
          problems.push(`${id}: ConfigMap ${cm.name} (env ${e.name}) does not exist`);
      }
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
        const port = probe?.httpGet?.port;
        if (typeof port === 'string' && !(c.ports ?? []).some((p: Obj) => p.name === port)) {
          problems.push(`${id}: probe port ${port} is not a port of container ${c.name}`);
        }
      }
    }
  }

  for (const svc of all.filter((o) => o.kind === 'Service')) {
    const ns = svc.metadata.namespace;
    const id = `Service ${ns}/${svc.metadata.name}`;
    if (!svc.spec.selector) continue;
    const backends = pods.filter(
      (p) =>
        p.owner.metadata.namespace === ns &&
        matches(svc.spec.selector, (p.owner.spec.template ?? p.owner).metadata?.labels),
    );
    if (backends.length === 0) {
      problems.push(`${id}: selector matches no pod template`);
      continue;
    }
    const containerPorts: Obj[] = backends.flatMap((b) =>
      b.spec.containers.flatMap((c: Obj) => c.ports ?? []),
    );
    for (const p of svc.spec.ports) {
      const target = p.targetPort ?? p.port;
      const ok =
        typeof target === 'string'
          ? containerPorts.some((cp) => cp.name === target)
          : containerPorts.some((cp) => cp.containerPort === target);
      if (!ok)
        problems.push(
          `${id}: port ${p.name ?? p.port} targets ${String(target)}, which no backend container exposes`,
        );
    }
  }

  for (const rb of all.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const ns = rb.metadata.namespace;
    const id = `${rb.kind} ${ns ?? ''}/${rb.metadata.name}`;
    const ref = rb.roleRef;
    const roleOk =
      ref.kind === 'Role'
        ? has('Role', ns, ref.name)
        : has('ClusterRole', undefined, ref.name) || BUILT_IN_CLUSTER_ROLES.has(ref.name);
    if (!roleOk) problems.push(`${id}: ${ref.kind} ${ref.name} does not exist`);
    for (const s of rb.subjects ?? []) {
      if (s.kind === 'ServiceAccount' && !has('ServiceAccount', s.namespace, s.name)) {
        problems.push(`${id}: ServiceAccount ${s.namespace}/${s.name} does not exist`);
      }
    }
  }

  // Webhooks: each points at a Service port that exists, and every custom resource of a group it
  // admits comes in a later layer, once the webhook's pods can be waited for.
  const layerIndex = new Map<Obj, number>();
  rendered.layers.forEach((l, i) => (l.objects as Obj[]).forEach((o) => layerIndex.set(o, i)));
  for (const wh of all.filter((o) => o.kind.endsWith('WebhookConfiguration'))) {
    const whLayer = layerIndex.get(wh) ?? 0;
    for (const hook of wh.webhooks ?? []) {
      const svc = hook.clientConfig?.service;
      if (svc) {
        const target = all.find(
          (o) =>
            o.kind === 'Service' &&
            o.metadata.name === svc.name &&
            o.metadata.namespace === svc.namespace,
        );
        const port = svc.port ?? 443;
        if (!target)
          problems.push(
            `${wh.kind} ${wh.metadata.name}: webhook ${hook.name} calls missing Service ${svc.namespace}/${svc.name}`,
          );
        else if (!target.spec.ports.some((p: Obj) => p.port === port)) {
          problems.push(
            `${wh.kind} ${wh.metadata.name}: webhook ${hook.name} calls port ${port}, which Service ${svc.namespace}/${svc.name} does not expose`,
          );
        }
      }
      const groups = new Set<string>((hook.rules ?? []).flatMap((r: Obj) => r.apiGroups ?? []));
      for (const o of all) {
        const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
        if (BUILT_IN_GROUPS.has(o.apiVersion) || !groups.has(group)) continue;
        if ((layerIndex.get(o) ?? 0) <= whLayer) {
          problems.push(
            `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: admitted by ${wh.kind} ${wh.metadata.name}, which is not in an earlier layer`,
          );
        }
      }
    }
  }

  for (const np of all.filter((o) => o.kind === 'NetworkPolicy')) {
    const sel = np.spec.podSelector.matchLabels ?? {};
    if (Object.keys(sel).length === 0) continue;
    // Pods a controller makes at runtime from a custom resource of the output (KServe's model pods).
    if (Object.keys(sel).some((k) => RUNTIME_POD_LABELS.includes(k))) continue;
    const ns = np.metadata.namespace;
    if (
      !pods.some(
        (p) =>
          p.owner.metadata.namespace === ns &&
          matches(sel, (p.owner.spec.template ?? p.owner).metadata?.labels),
      )
    ) {
      problems.push(`NetworkPolicy ${ns}/${np.metadata.name}: podSelector matches no pod`);
    }
  }
  // Quantities are strings: an object (`{ value: '1' }`) is a k8s.Quantity an ApiObject did not
  // render, which the API server rejects.
  const quantities = (o: unknown, where: string): void => {
    if (Array.isArray(o)) o.forEach((x, i) => quantities(x, `${where}[${i}]`));
    else if (o && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) {
        if (k === 'resources' && v && typeof v === 'object' && !Array.isArray(v)) {
          for (const part of ['requests', 'limits'] as const) {
            const values = (v as Record<string, unknown>)[part];
            for (const [res, q] of Object.entries((values ?? {}) as Record<string, unknown>)) {
              if (typeof q !== 'string' && typeof q !== 'number') {
                problems.push(
                  `${where}.${k}.${part}.${res} is not a quantity (got ${JSON.stringify(q)})`,
                );
              }
            }
          }
        } else quantities(v, `${where}.${k}`);
      }
    }
  };
  for (const o of all) {
    if (o.kind !== 'CustomResourceDefinition')
      quantities(o, key(o.kind, o.metadata.namespace, o.metadata.name));
  }
  // CRD schemas the API server accepts: a list-map's keys are properties of its items.
  for (const crd of all.filter((o) => o.kind === 'CustomResourceDefinition')) {
    for (const v of (crd.spec?.versions ?? []) as Obj[]) {
      problems.push(
        ...listMapProblems(
          v.schema?.openAPIV3Schema,
          `${String(crd.metadata.name)} ${String(v.name)}`,
        ),
      );
    }
  }
  return problems;
}

/** List-maps whose keys are not properties of their items, which the API server refuses. */
function listMapProblems(schema: Obj | undefined, where: string, path = ''): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const out: string[] = [];
  if (schema['x-kubernetes-list-type'] === 'map') {
    const props = (schema.items?.properties ?? {}) as Obj;
    for (const k of (schema['x-kubernetes-list-map-keys'] ?? []) as string[]) {
      if (!(k in props)) out.push(`CRD ${where}: list-map key ${k} is not a property of ${path}[]`);
    }
  }
  for (const [k, sub] of Object.entries((schema.properties ?? {}) as Obj)) {
    out.push(...listMapProblems(sub as Obj, where, `${path}.${k}`));
  }
  if (schema.items) out.push(...listMapProblems(schema.items as Obj, where, `${path}[]`));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    out.push(...listMapProblems(schema.additionalProperties as Obj, where, `${path}.*`));
  }
  return out;
}
