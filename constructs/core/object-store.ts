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
