/**
 * The identity of Dex v2.45.0's storage CRDs, written down from `storage/kubernetes/types.go` at
 * the tag (`customResourceDefinitions` for `apiextensions.k8s.io/v1`). The construct is checked
 * against this table, not against itself.
 */
export interface DexCrdFact {
  readonly name: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
}

export const DEX_GROUP = 'dex.coreos.com';

export const DEX_CRD_FACTS: readonly DexCrdFact[] = [
  { name: 'authcodes.dex.coreos.com', kind: 'AuthCode', plural: 'authcodes', singular: 'authcode' },
  {
    name: 'authrequests.dex.coreos.com',
    kind: 'AuthRequest',
    plural: 'authrequests',
    singular: 'authrequest',
  },
  {
    name: 'oauth2clients.dex.coreos.com',
    kind: 'OAuth2Client',
    plural: 'oauth2clients',
    singular: 'oauth2client',
  },
  {
    name: 'signingkeies.dex.coreos.com',
    kind: 'SigningKey',
    plural: 'signingkeies',
    singular: 'signingkey',
  },
  {
    name: 'refreshtokens.dex.coreos.com',
    kind: 'RefreshToken',
    plural: 'refreshtokens',
    singular: 'refreshtoken',
  },
  { name: 'passwords.dex.coreos.com', kind: 'Password', plural: 'passwords', singular: 'password' },
  {
    name: 'offlinesessionses.dex.coreos.com',
    kind: 'OfflineSessions',
    plural: 'offlinesessionses',
    singular: 'offlinesessions',
  },
  {
    name: 'connectors.dex.coreos.com',
    kind: 'Connector',
    plural: 'connectors',
    singular: 'connector',
  },
  {
    name: 'devicerequests.dex.coreos.com',
    kind: 'DeviceRequest',
    plural: 'devicerequests',
    singular: 'devicerequest',
  },
  {
    name: 'devicetokens.dex.coreos.com',
    kind: 'DeviceToken',
    plural: 'devicetokens',
    singular: 'devicetoken',
  },
];

/** Every CRD has this version and schema (`XPreserveUnknownFields` on the whole object). */
export const DEX_CRD_VERSION = {
  name: 'v1',
  served: true,
  storage: true,
  schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
} as const;
