import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ICertificateIssuer, IssuerRef } from '../core/certificates';
import { standardLabels } from '../core/labels';
import { Layer } from '../core/layers';
import { AcmeSolver, SecretKeyRef } from './acme';
import { Certificate, PrivateKey } from './certificate';
import { CERT_MANAGER_API, PLATFORM_ISSUER_NAMES } from './names';
import { throwIfProblems } from '../core/validation';
import { checkName, layerScope } from './private/layer';

/** Let's Encrypt's production ACME directory. */
export const LETS_ENCRYPT_PRODUCTION = 'https://acme-v02.api.letsencrypt.org/directory';
/** Let's Encrypt's staging directory: untrusted certificates, generous rate limits, for tests. */
export const LETS_ENCRYPT_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

/** What an issuer needs to know about the cert-manager it is bound to. */
export interface IssuerBindContext {
  /**
   * Where cert-manager reads the Secrets of ClusterIssuers (`--cluster-resource-namespace`):
   * the namespace it runs in. `CertManager` is such a context.
   */
  readonly clusterResourceNamespace: string;
}

export type PlatformIssuerType = 'selfSigned' | 'ca' | 'platformCa' | 'acme' | 'external';

/** A bound issuer: what certificates reference, plus what the platform created for it. */
export interface BoundIssuer extends ICertificateIssuer {
  readonly type: PlatformIssuerType;
  /** The ClusterIssuer the platform created; `undefined` for an external issuer. */
  readonly clusterIssuer?: ApiObject;
  /**
   * The Secret whose `ca.crt` clients trust to verify certificates of this issuer, where the
   * platform knows it (CA issuers).
   */
  readonly trustAnchor?: { readonly namespace: string; readonly secretName: string };
}

export interface NamedIssuerOptions {
  /** Name of the ClusterIssuer. @default - see each factory */
  readonly name?: string;
}

export interface CaIssuerOptions extends NamedIssuerOptions {
  /**
   * A `kubernetes.io/tls` Secret with the CA's `tls.crt` and `tls.key`, in cert-manager's
   * namespace. You create and rotate it; it is never written into the manifests.
   */
  readonly secretName: string;
}

export interface PlatformCaOptions extends NamedIssuerOptions {
  /** Common name of the root CA. @default 'mlops-platform root CA' */
  readonly commonName?: string;
  /** Lifetime of the root CA. @default Duration.days(3650) */
  readonly duration?: Duration;
}

export interface AcmeIssuerOptions extends NamedIssuerOptions {
  /** Where the CA sends expiry and account notices. */
  readonly email: string;
  /** ACME directory URL. @default LETS_ENCRYPT_PRODUCTION */
  readonly server?: string;
  /**
   * How to prove control of the domains. For each domain cert-manager uses the solver whose
   * selector matches it most specifically; a solver without a selector matches every domain.
   */
  readonly solvers: readonly AcmeSolver[];
  /** Secret cert-manager creates for the ACME account key. @default - `<name>-account-key` */
  readonly accountKeySecretName?: string;
  /** External account binding, for CAs that require one (ZeroSSL, Google, Sectigo). @default - none */
  readonly externalAccountBinding?: { readonly keyID: string; readonly keySecretRef: SecretKeyRef };
  /** Prefer the chain whose top certificate has this issuer common name. @default - the CA's default chain */
  readonly preferredChain?: string;
}

function issuerLabels(name: string): Record<string, string> {
  return standardLabels({ name: 'cert-manager', instance: name, component: 'issuer' });
}

function clusterIssuerRef(name: string, group: string = CERT_MANAGER_API.group): IssuerRef {
  return { name, kind: 'ClusterIssuer', group };
}

/** Creates a ClusterIssuer in the infrastructure-config layer. */
function clusterIssuer(
  scope: Construct,
  id: string,
  name: string,
  spec: Record<string, unknown>,
): ApiObject {
  return new ApiObject(layerScope(scope, Layer.INFRASTRUCTURE_CONFIG), id, {
    apiVersion: CERT_MANAGER_API.apiVersion,
    kind: 'ClusterIssuer',
    metadata: { name, labels: issuerLabels(name) },
    spec,
  });
}

/**
 * Where the platform's certificates come from, chosen once. Every choice binds to an
 * `ICertificateIssuer` (a ClusterIssuer, so any namespace can use it); components receive that,
 * never an issuer name. Issuers and their certificates go to the infrastructure-config layer,
 * after cert-manager's webhook runs.
 * @see https://cert-manager.io/docs/configuration/
 */
export abstract class PlatformIssuer {
  /**
   * A self-signed ClusterIssuer: every certificate signs itself, so clients can trust none of
   * them by a common root. Prefer `platformCa()` for development.
   * @default name 'platform-selfsigned'
   */
  public static selfSigned(opts: NamedIssuerOptions = {}): PlatformIssuer {
    const name = opts.name ?? PLATFORM_ISSUER_NAMES.selfSigned;
    validateNames('PlatformIssuer.selfSigned', { name });
    return issuer('selfSigned', (scope) => ({
      type: 'selfSigned',
      issuerRef: clusterIssuerRef(name),
      clusterIssuer: clusterIssuer(scope, 'ClusterIssuer', name, { selfSigned: {} }),
    }));
  }

  /**
   * A CA whose key pair you provide in a Secret of cert-manager's namespace.
   * @default name 'platform-ca'
   */
  public static ca(opts: CaIssuerOptions): PlatformIssuer {
    const name = opts.name ?? PLATFORM_ISSUER_NAMES.ca;
    validateNames('PlatformIssuer.ca', { name, secretName: opts.secretName });
    return issuer('ca', (scope, ctx) => ({
      type: 'ca',
      issuerRef: clusterIssuerRef(name),
      clusterIssuer: clusterIssuer(scope, 'ClusterIssuer', name, {
        ca: { secretName: opts.secretName },
      }),
      ...(ctx
        ? {
            trustAnchor: {
              namespace: ctx.clusterResourceNamespace,
              secretName: opts.secretName,
            },
          }
        : {}),
    }));
  }

  /**
   * The platform's own CA, the sound default for development: a self-signed bootstrap
   * ClusterIssuer signs a root CA Certificate in cert-manager's namespace, and a CA
   * ClusterIssuer signs every platform certificate with it. Clients trust one root, the `ca.crt`
   * of the Secret `<name>-root` (`platform-ca-root`). The bootstrap issuer is `<name>-bootstrap`.
   * @default name 'platform-ca'
   */
  public static platformCa(opts: PlatformCaOptions = {}): PlatformIssuer {
    const name = opts.name ?? PLATFORM_ISSUER_NAMES.ca;
    validateNames('PlatformIssuer.platformCa', { name });
    const duration = opts.duration ?? Duration.days(3650);
    return issuer('platformCa', (scope, ctx) => {
      if (!ctx) {
        throw new Error(
          'PlatformIssuer.platformCa() needs a bind context (got none). Bind it with the CertManager (or { clusterResourceNamespace }) so the root CA is placed where cert-manager reads it.',
        );
      }
      const namespace = ctx.clusterResourceNamespace;
      const bootstrapName = `${name}-bootstrap`;
      const rootName = `${name}-root`;
      const bootstrap = clusterIssuer(scope, 'BootstrapIssuer', bootstrapName, {
        selfSigned: {},
      });
      const root = new Certificate(scope, 'RootCa', {
        issuer: { issuerRef: clusterIssuerRef(bootstrapName) },
        namespace,
        name: rootName,
        secretName: rootName,
        commonName: opts.commonName ?? 'mlops-platform root CA',
        isCA: true,
        duration,
        privateKey: PrivateKey.ecdsa(256),
        // A renewed root keeps its key, so certificates it signed before still verify.
        rotationPolicy: 'Never',
        labels: { name: 'cert-manager', instance: name, component: 'issuer' },
      });
      // Between the objects themselves: both sit in the infrastructure-config chart, while `root`
      // belongs to the chart it was bound in, and a dependency across charts would form a cycle.
      root.apiObject.node.addDependency(bootstrap);
      return {
        type: 'platformCa',
        issuerRef: clusterIssuerRef(name),
        clusterIssuer: clusterIssuer(scope, 'ClusterIssuer', name, {
          ca: { secretName: root.secretName },
        }),
        trustAnchor: { namespace, secretName: root.secretName },
      };
    });
  }

  /**
   * An ACME CA (Let's Encrypt by default). The account key is generated by cert-manager into
   * the Secret `<name>-account-key`.
   * @default name 'platform-acme'
   */
  public static acme(opts: AcmeIssuerOptions): PlatformIssuer {
    const name = opts.name ?? PLATFORM_ISSUER_NAMES.acme;
    const accountKey = opts.accountKeySecretName ?? `${name}-account-key`;
    const server = opts.server ?? LETS_ENCRYPT_PRODUCTION;
    const problems = nameProblems({ name, accountKeySecretName: accountKey });
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(opts.email)) {
      problems.push(
        `\`email\` is not an email address (got "${opts.email}"). Use a full address such as ops@example.com.`,
      );
    }
    if (!/^https:\/\/[^\s/]+/.test(server)) {
      problems.push(
        `\`server\` is not an https URL (got "${server}"). Use the CA's ACME directory, such as ${LETS_ENCRYPT_PRODUCTION}.`,
      );
    }
    if (opts.solvers.length === 0) {
      problems.push(
        '`solvers` is empty (got []). Give at least one, such as AcmeSolver.http01() or AcmeSolver.dns01(...).',
      );
    }
    throwIfProblems('PlatformIssuer.acme', problems);
    const eab = opts.externalAccountBinding;
    return issuer('acme', (scope) => ({
      type: 'acme',
      issuerRef: clusterIssuerRef(name),
      solvesHttp01: opts.solvers.some((s) => s.challengeType === 'http01'),
      clusterIssuer: clusterIssuer(scope, 'ClusterIssuer', name, {
        acme: {
          email: opts.email,
          server,
          privateKeySecretRef: { name: accountKey },
          ...(opts.preferredChain ? { preferredChain: opts.preferredChain } : {}),
          ...(eab
            ? {
                externalAccountBinding: { keyID: eab.keyID, keySecretRef: { ...eab.keySecretRef } },
              }
            : {}),
          solvers: opts.solvers.map((s) => s.render()),
        },
      }),
    }));
  }

  /**
   * A ClusterIssuer the cluster already has, used by name. Nothing is created; use it with a
   * cert-manager the platform does not install, too.
   */
  public static external(
    clusterIssuerName: string,
    opts: {
      /** API group of an external issuer type (e.g. `awspca.cert-manager.io`). @default 'cert-manager.io' */
      readonly group?: string;
    } = {},
  ): PlatformIssuer {
    validateNames('PlatformIssuer.external', { clusterIssuerName });
    const ref = clusterIssuerRef(clusterIssuerName, opts.group);
    return issuer('external', () => ({ type: 'external', issuerRef: ref }));
  }

  public abstract readonly type: PlatformIssuerType;

  /**
   * Creates the issuer's objects under `scope` (placed in the infrastructure-config layer) and
   * returns what certificates reference. `ctx` is the cert-manager install; only `platformCa()`
   * requires it.
   */
  public abstract bind(scope: Construct, id: string, ctx?: IssuerBindContext): BoundIssuer;
}

type Binder = (
  scope: Construct,
  ctx: IssuerBindContext | undefined,
) => Omit<BoundIssuer, 'namespace'>;

function issuer(type: PlatformIssuerType, binder: Binder): PlatformIssuer {
  return new (class extends PlatformIssuer {
    public readonly type = type;
    public bind(scope: Construct, id: string, ctx?: IssuerBindContext): BoundIssuer {
      return binder(new Construct(scope, id), ctx);
    }
  })();
}

function nameProblems(names: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, value] of Object.entries(names)) checkName(path, value, problems);
  return problems;
}

function validateNames(what: string, names: Record<string, string>): void {
  throwIfProblems(what, nameProblems(names));
}
