/**
 * The identity of Dex v2.45.1's storage CRDs, written down from `storage/kubernetes/types.go` at
 * the tag (`customResourceDefinitions` for `apiextensions.k8s.io/v1`; unchanged since v2.45.0).
 * Dex creates these CRDs itself when `crdHandling` is `ensure`; this is what it would create. The
 * construct is checked against this table, not against itself.
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

/** One `default`, `enum` or `required` of a CRD schema, at a path (`[]` an array item, `{*}` a map value). */
export interface SchemaConstraint {
  readonly path: string;
  readonly kind: 'default' | 'enum' | 'required';
  readonly value: unknown;
}

/**
 * Every default, enum and required field upstream declares in each CRD's schema, path by path.
 * Dex v2.45.1 gives every CRD the same schema, `{type: object, x-kubernetes-preserve-unknown-fields:
 * true}` (`types.go`, `customResourceDefinitions`): none at all. Dex fills its own defaults in Go
 * when it writes an object, so the API server has nothing to default.
 */
export const DEX_CRD_CONSTRAINTS: Readonly<Record<string, readonly SchemaConstraint[]>> =
  Object.fromEntries(DEX_CRD_FACTS.map((f) => [f.name, []]));

/**
 * The requests Dex v2.45.1's Kubernetes storage makes (`storage/kubernetes/client.go`,
 * `storage.go`, `lock.go`), each with the verb Kubernetes authorizes it as. Every replica makes
 * all of them; what keeps concurrent replicas consistent is that updates are PUTs carrying the
 * object's resourceVersion (a conflict means another replica won) and that a second create of the
 * signing keys fails with AlreadyExists.
 */
export const DEX_STORAGE_REQUESTS: readonly {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly verb: string;
  readonly why: string;
}[] = [
  { method: 'GET', verb: 'get', why: 'read one object; every update reads it first' },
  {
    method: 'GET',
    verb: 'list',
    why: 'the CRD check at start (list, limit 1) and garbage collection',
  },
  {
    method: 'POST',
    verb: 'create',
    why: 'new objects; the first signing keys (AlreadyExists: another replica created them)',
  },
  {
    method: 'PUT',
    verb: 'update',
    why: 'key rotation, the refresh-token lock annotation and retryOnConflict updates, by resourceVersion',
  },
  {
    method: 'DELETE',
    verb: 'delete',
    why: 'garbage collection (every replica runs it) and deletes',
  },
];
