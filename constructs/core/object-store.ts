import { Construct } from 'constructs';
import { NetworkPeer } from './network';

/** Credentials for the clients of one namespace, limited to some key prefixes of a bucket. */
export interface ScopedCredentialsRequest {
  /** Where the clients run; the Secret is made (or required) there. */
  readonly namespace: string;
  /** @default - the store's first bucket */
  readonly bucket?: string;
  /** Key prefixes the clients may read, write and delete under, each ending in `/`. */
  readonly prefixes: readonly string[];
  /** @default 'mlpipeline-minio-artifact' (what Kubeflow Pipelines reads) */
  readonly secretName?: string;
  /**
   * The name of the store identity (user and its provisioning objects), for a second identity in a
   * namespace that already has one, e.g. `kubeflow-mlflow` next to Pipelines' `kubeflow`. A DNS
   * label. @default - the namespace
   */
  readonly identity?: string;
}

/**
 * A tenant's own key prefixes of the platform bucket: `private-artifacts/<ns>/`, where pipeline
 * steps write, and `private/<ns>/` (Kubeflow Pipelines' multi-user layout). The tenant's keys reach
 * these and nothing else; pipelines, serving and notebooks all read a tenant's data here.
 */
export function tenantArtifactPrefixes(namespace: string): string[] {
  return [`private-artifacts/${namespace}/`, `private/${namespace}/`];
}

/**
 * Remembers the scoped credentials a store made, so that components asking for the same
 * credentials of a namespace (pipelines and serving both ask for a tenant's) share one identity
 * and one Secret. A second request for the same Secret with other prefixes is an error.
 */
export class ScopedCredentialsRegistry {
  private readonly made = new Map<string, { key: string; ref: S3CredentialsRef }>();

  public constructor(private readonly defaultBucket: string) {}

  public getOrCreate(
    request: ScopedCredentialsRequest,
    create: () => S3CredentialsRef,
  ): S3CredentialsRef {
    const secretName = request.secretName ?? 'mlpipeline-minio-artifact';
    const id = `${request.namespace}/${secretName}`;
    const key = JSON.stringify([
      request.bucket ?? this.defaultBucket,
      [...request.prefixes].sort(),
    ]);
    const existing = this.made.get(id);
    if (existing) {
      if (existing.key !== key) {
        throw new Error(
          `Scoped object-store credentials ${secretName} in ${request.namespace} were made for ${existing.key} and are asked for ${key}. Ask for the same bucket and prefixes, or another secretName.`,
        );
      }
      return existing.ref;
    }
    const ref = create();
    this.made.set(id, { key, ref });
    return ref;
  }
}

/** The keys of a scoped credentials Secret, as Kubeflow Pipelines reads them. */
export const SCOPED_CREDENTIAL_KEYS = { accessKey: 'accesskey', secretKey: 'secretkey' } as const;

/** Where an S3 access key pair is stored: a Secret, its namespace and the two keys. */
export interface S3CredentialsRef {
  readonly secretName: string;
  readonly namespace: string;
  readonly accessKeyKey: string;
  readonly secretKeyKey: string;
}

/**
 * An S3-compatible object store, whichever implementation provides it (the in-cluster MinIO or an
 * external S3 endpoint). Pipelines, model serving and notebooks depend on this, never on MinIO.
 */
export interface IObjectStore {
  /** `minio` or `seaweedfs` for an in-cluster store, `s3` for an external endpoint. */
  readonly implementation: 'minio' | 'seaweedfs' | 's3';
  /** Host name the clients connect to, e.g. `minio.minio.svc.cluster.local` or `s3.eu-west-1.amazonaws.com`. */
  readonly host: string;
  readonly port: number;
  /** Whether clients use TLS. */
  readonly secure: boolean;
  /** `http(s)://host:port`. */
  readonly endpointUrl: string;
  readonly region: string;
  /** The buckets the platform uses, the first being the default (e.g. pipeline artifacts). */
  readonly buckets: readonly string[];
  /** The access key pair clients use. */
  readonly credentials: S3CredentialsRef;
  /**
   * Lets `peer` reach the store's API. For an in-cluster store this adds a NetworkPolicy allow;
   * an external endpoint is reached through egress and needs nothing here.
   */
  grantAccess(id: string, peer: NetworkPeer): void;
  /**
   * Credentials that reach only `prefixes` of a bucket, for the clients of one namespace (a
   * tenant's pipelines, the platform's own services): the in-cluster store makes a user and policy
   * in the cluster and writes the Secret; for an external endpoint the Secret is one the user
   * creates, listed as a prerequisite. Never the store's root credentials.
   */
  scopedCredentials(scope: Construct, request: ScopedCredentialsRequest): S3CredentialsRef;
  /**
   * Accepts clients without a mesh identity on the S3 port (plain connections where the mesh
   * requires mutual TLS), for workloads that run without a sidecar: Kubeflow Pipelines compiles
   * every step without one. Keys still authorize every request; network policy still decides who
   * connects. An external endpoint has nothing to open.
   * @default - not offered: the store has no mesh in front of it
   */
  acceptClientsWithoutMesh?(reason: string): void;
}
