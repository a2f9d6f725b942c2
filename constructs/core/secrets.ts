import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Prerequisites } from './prerequisites';
import { ComponentLabelOptions, standardLabels } from './labels';
import { KubectlJob } from './kubectl-job';
import { MAX_LABEL_NAME, boundedName } from './names';
import { DNS_SUBDOMAIN } from './validation';

/** Annotation on a Secret whose values the Pulumi engine fills from stack secret config. */
export const PULUMI_SECRET_ANNOTATION = 'mlops-blueprint.dev/pulumi-secret-config';

/** What a consumer asks for: a Secret in its namespace that holds the named keys. */
export interface SecretRequest {
  readonly namespace: string;
  /**
   * Name of the Secret when this library creates it (generated or Pulumi-filled): a DNS subdomain.
   * Derive it from input with `boundedName`.
   */
  readonly secretName: string;
  /** The keys the consumer reads, e.g. `['rootUser', 'rootPassword']`. */
  readonly keys: readonly string[];
  readonly labels: ComponentLabelOptions;
  /**
   * Further namespaces that need the same values under the same name, e.g. an OIDC client secret
   * that both the identity provider and the auth proxy read.
   * @default []
   */
  readonly sharedWith?: readonly string[];
  /**
   * Length of each generated value (alphanumeric), for consumers that need an exact size, such as
   * a 32-byte encryption key. Applies to generated values only.
   * @default 40
   */
  readonly valueLength?: number;
}

/** Every namespace a request needs the Secret in, the primary one first. */
function namespacesOf(request: SecretRequest): string[] {
  return [request.namespace, ...(request.sharedWith ?? []).filter((n) => n !== request.namespace)];
}

/** A Secret a consumer can read: its name and where each requested key lives in it. */
export interface SecretBinding {
  readonly secretName: string;
  /** The `secretKeyRef` for a requested key. */
  keyRef(key: string): k8s.SecretKeySelector;
  /** The key inside the Secret that holds the requested `key`. */
  keyName(key: string): string;
  /** How the Secret comes to exist, for reports. */
  readonly origin: 'existing' | 'generated' | 'pulumi';
}

/**
 * Where a credential comes from. No source takes a literal value: a Secret the user manages, a
 * Pulumi secret, or a value generated inside the cluster once and never overwritten.
 */
export abstract class SecretSource {
  /**
   * A Secret the user creates and rotates. `keys` maps the keys a consumer reads to the keys of
   * that Secret where they differ.
   */
  public static existing(secretName: string, keys: Record<string, string> = {}): SecretSource {
    return new ExistingSecretSource(secretName, keys);
  }

  /** Random values, generated in the cluster the first time and never regenerated. */
  public static generated(): SecretSource {
    return new GeneratedSecretSource();
  }

  /**
   * Values from Pulumi stack secret config (`pulumi config set --secret <configKey>`), filled in by
   * the Pulumi engine. `configKeys` maps each requested key to its config key.
   */
  public static pulumiConfig(configKeys: Record<string, string>): SecretSource {
    return new PulumiSecretSource(configKeys);
  }

  public abstract readonly origin: SecretBinding['origin'];

  /** Creates whatever makes the Secret exist and returns how to read it. */
  public abstract bind(scope: Construct, id: string, request: SecretRequest): SecretBinding;
}

function binding(
  origin: SecretBinding['origin'],
  secretName: string,
  keyMap: Record<string, string>,
  keys: readonly string[],
): SecretBinding {
  const keyName = (key: string): string => {
    if (!keys.includes(key)) throw new Error(`secret ${secretName} was not asked for key ${key}`);
    return keyMap[key] ?? key;
  };
  return {
    origin,
    secretName,
    keyName,
    keyRef: (key) => ({ name: secretName, key: keyName(key) }),
  };
}

class ExistingSecretSource extends SecretSource {
  public readonly origin = 'existing';
  public constructor(
    private readonly secretName: string,
    private readonly keys: Record<string, string>,
  ) {
    super();
  }

  public bind(scope: Construct, _id: string, request: SecretRequest): SecretBinding {
    const bound = binding('existing', this.secretName, this.keys, request.keys);
    for (const namespace of namespacesOf(request)) {
      Prerequisites.of(scope).requireSecret({
        namespace,
        name: this.secretName,
        keys: request.keys.map((k) => bound.keyName(k)),
        purpose: `${request.labels.name} ${request.labels.component}`,
      });
    }
    return bound;
  }
}

class GeneratedSecretSource extends SecretSource {
  public readonly origin = 'generated';

  public bind(scope: Construct, id: string, request: SecretRequest): SecretBinding {
    new GeneratedSecret(scope, id, request);
    return binding('generated', request.secretName, {}, request.keys);
  }
}

class PulumiSecretSource extends SecretSource {
  public readonly origin = 'pulumi';
  public constructor(private readonly configKeys: Record<string, string>) {
    super();
  }

  public bind(scope: Construct, id: string, request: SecretRequest): SecretBinding {
    requireSecretName(request);
    const missing = request.keys.filter((k) => !this.configKeys[k]);
    if (missing.length > 0) {
      throw new Error(
        `Pulumi secret ${request.secretName} needs a config key for: ${missing.join(', ')}`,
      );
    }
    const mapping = Object.fromEntries(request.keys.map((k) => [k, this.configKeys[k]]));
    // The Secret is declared without data; the Pulumi engine fills stringData from the
    // annotated config keys, so the value never passes through the construct tree.
    namespacesOf(request).forEach((namespace, i) => {
      new k8s.KubeSecret(scope, i === 0 ? id : `${id}-${namespace}`, {
        metadata: {
          name: request.secretName,
          namespace,
          labels: standardLabels(request.labels),
          annotations: { [PULUMI_SECRET_ANNOTATION]: JSON.stringify(mapping) },
        },
        type: 'Opaque',
      });
    });
    return binding('pulumi', request.secretName, {}, request.keys);
  }
}

/**
 * The name of the Job (and its ServiceAccount, Roles and RoleBindings) that generates the Secret
 * `secretName`: `<secretName>-generator`, shortened with a hash where a Job name (at most 63
 * characters) needs it.
 */
export function generatorJobName(secretName: string): string {
  return boundedName([secretName, 'generator'], { max: MAX_LABEL_NAME });
}

/** A Secret this library creates needs a valid name; callers derive it with `boundedName`. */
function requireSecretName(request: SecretRequest): void {
  if (!DNS_SUBDOMAIN.test(request.secretName)) {
    throw new Error(
      `Secret name "${request.secretName}" in ${request.namespace} is not a DNS subdomain of at most 253 characters. Derive it with boundedName(...).`,
    );
  }
}

/** Returns the Pulumi config key mapping of a Secret manifest, if it is Pulumi-filled. */
export function pulumiSecretConfigKeys(manifest: {
  metadata?: { annotations?: Record<string, string> };
}): Record<string, string> | undefined {
  const raw = manifest.metadata?.annotations?.[PULUMI_SECRET_ANNOTATION];
  return raw ? (JSON.parse(raw) as Record<string, string>) : undefined;
}

const GENERATOR_SCRIPT = [
  'set -euo pipefail',
  'secret() { kubectl get secret "$SECRET_NAME" --namespace "$1" "${@:2}"; }',
  'if secret "$POD_NAMESPACE" >/dev/null 2>&1; then',
  '  echo "Secret $SECRET_NAME exists in $POD_NAMESPACE; keeping its values."',
  '  for key in $GENERATED_KEY_NAMES; do',
  '    secret "$POD_NAMESPACE" -o "jsonpath={.data.$key}" | base64 -d > "/tmp/$key"',
  '  done',
  'else',
  '  for key in $GENERATED_KEY_NAMES; do',
  '    value=$(head -c 64 /dev/urandom | base64 -w0 | tr -dc "A-Za-z0-9")',
  '    printf "%s" "${value:0:$VALUE_LENGTH}" > "/tmp/$key"',
  '  done',
  'fi',
  'args=()',
  'for key in $GENERATED_KEY_NAMES; do args+=("--from-file=$key=/tmp/$key"); done',
  'for ns in $POD_NAMESPACE $SHARED_WITH; do',
  '  if secret "$ns" >/dev/null 2>&1; then continue; fi',
  '  # A failed create is fine if another run created the Secret meanwhile.',
  '  kubectl create secret generic "$SECRET_NAME" --namespace "$ns" "${args[@]}" || secret "$ns" >/dev/null',
  '  echo "Secret $SECRET_NAME created in $ns."',
  'done',
].join('\n');

/**
 * A Job that creates a Secret with random values if, and only if, it does not exist yet (and
 * copies the same values to the namespaces it is shared with). It can read only that Secret and
 * create Secrets where it must, so re-applying the manifests (or a re-run of the Job) never
 * rotates a credential under a running workload.
 */
export class GeneratedSecret extends Construct {
  public readonly secretName: string;

  public constructor(scope: Construct, id: string, request: SecretRequest) {
    super(scope, id);
    requireSecretName(request);
    this.secretName = request.secretName;
    const length = request.valueLength ?? 40;
    // 64 random bytes give about 85 base64 characters, of which about 83 are alphanumeric.
    if (!Number.isInteger(length) || length < 16 || length > 64) {
      throw new Error(
        `Generated secret ${request.secretName}: valueLength must be a whole number from 16 to 64 (got ${length}).`,
      );
    }
    new KubectlJob(this, 'Generator', {
      name: generatorJobName(request.secretName),
      namespace: request.namespace,
      labels: standardLabels({ ...request.labels, component: 'secret-generator' }),
      script: GENERATOR_SCRIPT,
      env: [
        { name: 'SECRET_NAME', value: request.secretName },
        { name: 'GENERATED_KEY_NAMES', value: [...request.keys].join(' ') },
        { name: 'VALUE_LENGTH', value: String(length) },
        { name: 'SHARED_WITH', value: namespacesOf(request).slice(1).join(' ') },
      ],
      rules: namespacesOf(request).map((namespace) => ({
        namespace,
        rules: [
          {
            apiGroups: [''],
            resources: ['secrets'],
            resourceNames: [request.secretName],
            verbs: ['get'],
          },
          // create cannot be narrowed by resourceNames; the Job only ever creates its own Secret.
          { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
        ],
      })),
    });
  }
}
