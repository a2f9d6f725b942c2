import { Construct } from 'constructs';
import { CustomResourceDefinition, Schema } from '../core/crd';
import { DEX_API } from './names';
import { DEX_LABELS } from './private/labels';

/** One of Dex's storage resources, as its Kubernetes storage declares it. */
export interface DexResourceType {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
}

/**
 * The ten resource types of Dex v2.45.1's Kubernetes storage (`storage/kubernetes/types.go`), with
 * upstream's names, including the TPR-era plurals `signingkeies` and `offlinesessionses`.
 */
export const DEX_RESOURCE_TYPES: readonly DexResourceType[] = [
  { kind: 'AuthCode', plural: 'authcodes', singular: 'authcode' },
  { kind: 'AuthRequest', plural: 'authrequests', singular: 'authrequest' },
  { kind: 'OAuth2Client', plural: 'oauth2clients', singular: 'oauth2client' },
  { kind: 'SigningKey', plural: 'signingkeies', singular: 'signingkey' },
  { kind: 'RefreshToken', plural: 'refreshtokens', singular: 'refreshtoken' },
  { kind: 'Password', plural: 'passwords', singular: 'password' },
  { kind: 'OfflineSessions', plural: 'offlinesessionses', singular: 'offlinesessions' },
  { kind: 'Connector', plural: 'connectors', singular: 'connector' },
  { kind: 'DeviceRequest', plural: 'devicerequests', singular: 'devicerequest' },
  { kind: 'DeviceToken', plural: 'devicetokens', singular: 'devicetoken' },
];

/**
 * The CRDs of Dex's Kubernetes storage, exactly as Dex would create them itself: namespaced,
 * version `v1` served and stored, and a schema that keeps every field. Dex's objects have no
 * `spec` (their fields sit at the top level), so the whole object is preserved, not only spec and
 * status; upstream's schema declares no defaults, enums or required fields, and neither do we.
 * We install them so that Dex runs with `crdHandling: check` and needs no RBAC on CRDs.
 */
export class DexCrds extends Construct {
  public readonly crds: readonly CustomResourceDefinition[];

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    const labels = DEX_LABELS.options('crds');
    this.crds = DEX_RESOURCE_TYPES.map(
      (t) =>
        new CustomResourceDefinition(this, t.kind, {
          group: DEX_API.group,
          kind: t.kind,
          plural: t.plural,
          singular: t.singular,
          scope: 'Namespaced',
          labels,
          versions: [
            { name: DEX_API.version, served: true, storage: true, schema: Schema.preserve() },
          ],
        }),
    );
  }
}
