import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ICertificateIssuer, IssuerRef } from '../core/certificates';
import { goDuration } from '../core/duration';
import { ComponentLabelOptions, standardLabels } from '../core/labels';
import { Layer, layerInfo } from '../core/layers';
import { CERT_MANAGER_API } from './names';
import { throwIfProblems } from '../core/validation';
import { checkName, layerScope } from './private/layer';

/** Key usages cert-manager accepts in `spec.usages` (RFC 5280 key and extended key usages). */
export const KEY_USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
] as const;

export type KeyUsage = (typeof KEY_USAGES)[number];

/**
 * The certificate's private key: an algorithm and the sizes cert-manager allows for it.
 * @see https://cert-manager.io/docs/usage/certificate/#configuring-private-keys
 */
export class PrivateKey {
  /** ECDSA on the P-256, P-384 or P-521 curve. */
  public static ecdsa(size: 256 | 384 | 521 = 256): PrivateKey {
    return new PrivateKey('ECDSA', size);
  }

  public static rsa(size: 2048 | 4096 | 8192 = 2048): PrivateKey {
    return new PrivateKey('RSA', size);
  }

  public static ed25519(): PrivateKey {
    return new PrivateKey('Ed25519');
  }

  private constructor(
    public readonly algorithm: 'ECDSA' | 'RSA' | 'Ed25519',
    public readonly size?: number,
  ) {}
}

export interface CertificateProps {
  /** Who signs the certificate. */
  readonly issuer: ICertificateIssuer;
  /** Namespace of the Certificate and of the Secret it writes. */
  readonly namespace: string;
  /** The Secret cert-manager writes with `tls.crt`, `tls.key` and `ca.crt`. */
  readonly secretName: string;
  /** Name of the Certificate object. @default - the secretName */
  readonly name?: string;
  /** @default [] */
  readonly dnsNames?: readonly string[];
  /** 64 characters at most. @default - none: the subject alternative names identify the certificate */
  readonly commonName?: string;
  /** @default [] */
  readonly ipAddresses?: readonly string[];
  /** @default [] */
  readonly uris?: readonly string[];
  /** A CA certificate (adds the `cert sign` usage). @default false */
  readonly isCA?: boolean;
  /** Requested lifetime, at least one hour. @default - cert-manager's 90 days (not rendered) */
  readonly duration?: Duration;
  /** Renew this long before expiry, at least five minutes. @default - a third of the lifetime (not rendered) */
  readonly renewBefore?: Duration;
  /** @default PrivateKey.ecdsa(256) */
  readonly privateKey?: PrivateKey;
  /**
   * `Always` makes a new key on every renewal; `Never` keeps it (a root CA whose issued
   * certificates must keep verifying).
   * @default 'Always'
   */
  readonly rotationPolicy?: 'Always' | 'Never';
  /** @default - cert-manager's `digital signature` and `key encipherment` (not rendered) */
  readonly usages?: readonly KeyUsage[];
  /** Labels and annotations copied onto the Secret. @default - none */
  readonly secretTemplate?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  /**
   * The install layer of the Certificate. cert-manager's webhook admits Certificates only once
   * it runs, so this is a layer after `infrastructure`; a Certificate in a tenant namespace
   * belongs to `tenants`.
   * @default Layer.INFRASTRUCTURE_CONFIG
   */
  readonly layer?: Layer;
  /** @default - `{ name: 'cert-manager', component: 'certificate', instance: <name> }` */
  readonly labels?: ComponentLabelOptions;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DEFAULT_DURATION_MS = 90 * 24 * HOUR_MS;

/**
 * A cert-manager Certificate: cert-manager keeps the Secret `secretName` filled with a valid
 * certificate from `issuer` and renews it before it expires. Components request their TLS
 * certificates with it, from an `ICertificateIssuer`, never an issuer name.
 * @see https://cert-manager.io/docs/usage/certificate/
 */
export class Certificate extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly secretName: string;
  public readonly issuerRef: IssuerRef;
  public readonly apiObject: ApiObject;

  public constructor(scope: Construct, id: string, props: CertificateProps) {
    super(scope, id);
    this.name = props.name ?? props.secretName;
    this.namespace = props.namespace;
    this.secretName = props.secretName;
    this.issuerRef = props.issuer.issuerRef;
    const layer = props.layer ?? Layer.INFRASTRUCTURE_CONFIG;
    validate(this.name, props, layer);

    const key = props.privateKey ?? PrivateKey.ecdsa(256);
    const ref = props.issuer.issuerRef;
    this.apiObject = new ApiObject(layerScope(this, layer), 'Resource', {
      apiVersion: CERT_MANAGER_API.apiVersion,
      kind: 'Certificate',
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: standardLabels(
          props.labels ?? { name: 'cert-manager', component: 'certificate', instance: this.name },
        ),
      },
      spec: {
        secretName: this.secretName,
        issuerRef: { name: ref.name, kind: ref.kind, group: ref.group },
        ...(props.commonName ? { commonName: props.commonName } : {}),
        ...nonEmpty('dnsNames', props.dnsNames),
        ...nonEmpty('ipAddresses', props.ipAddresses),
        ...nonEmpty('uris', props.uris),
        ...(props.isCA ? { isCA: true } : {}),
        ...(props.duration ? { duration: goDuration(props.duration) } : {}),
        ...(props.renewBefore ? { renewBefore: goDuration(props.renewBefore) } : {}),
        privateKey: {
          algorithm: key.algorithm,
          ...(key.size ? { size: key.size } : {}),
          rotationPolicy: props.rotationPolicy ?? 'Always',
        },
        ...nonEmpty('usages', props.usages),
        ...(props.secretTemplate
          ? {
              secretTemplate: {
                ...(props.secretTemplate.labels
                  ? { labels: { ...props.secretTemplate.labels } }
                  : {}),
                ...(props.secretTemplate.annotations
                  ? { annotations: { ...props.secretTemplate.annotations } }
                  : {}),
              },
            }
          : {}),
      },
    });
  }
}

function nonEmpty(key: string, list: readonly string[] | undefined): Record<string, string[]> {
  return list && list.length > 0 ? { [key]: [...list] } : {};
}

function validate(name: string, props: CertificateProps, layer: Layer): void {
  const problems: string[] = [];
  checkName('name', name, problems);
  checkName('secretName', props.secretName, problems);
  checkName('namespace', props.namespace, problems);
  const identities = [props.dnsNames, props.ipAddresses, props.uris].some((l) => l && l.length);
  if (!identities && !props.commonName) {
    problems.push(
      "`dnsNames` is empty and no `commonName`, `ipAddresses` or `uris` is given (got nothing to certify). Name at least one host, such as dnsNames: ['kubeflow.example.com'].",
    );
  }
  if (props.commonName && props.commonName.length > 64) {
    problems.push(
      `\`commonName\` is longer than 64 characters (got ${props.commonName.length}). Put long names in dnsNames instead.`,
    );
  }
  const issuerNs = props.issuer.namespace;
  if (issuerNs !== undefined && issuerNs !== props.namespace) {
    problems.push(
      `\`issuer\` is an Issuer of namespace ${issuerNs} (got a Certificate in ${props.namespace}). Use a ClusterIssuer or an Issuer of the Certificate's namespace.`,
    );
  }
  const duration = props.duration?.toMilliseconds();
  const renewBefore = props.renewBefore?.toMilliseconds();
  if (duration !== undefined && duration < HOUR_MS) {
    problems.push(
      `\`duration\` is shorter than one hour (got ${goDuration(props.duration as Duration)}). Use Duration.hours(1) or more.`,
    );
  }
  if (renewBefore !== undefined && renewBefore < 5 * MINUTE_MS) {
    problems.push(
      `\`renewBefore\` is shorter than five minutes (got ${goDuration(props.renewBefore as Duration)}). Use Duration.minutes(5) or more.`,
    );
  }
  if (renewBefore !== undefined && renewBefore >= (duration ?? DEFAULT_DURATION_MS)) {
    problems.push(
      `\`renewBefore\` is not shorter than the lifetime (got ${goDuration(props.renewBefore as Duration)}). Renew well before the certificate expires, e.g. after two thirds of its lifetime.`,
    );
  }
  if (layerInfo(layer).order <= layerInfo(Layer.INFRASTRUCTURE).order) {
    problems.push(
      `\`layer\` is before cert-manager's webhook runs (got ${layer}). Use Layer.INFRASTRUCTURE_CONFIG or a later layer.`,
    );
  }
  throwIfProblems(`Certificate ${props.namespace}/${name}`, problems);
}
