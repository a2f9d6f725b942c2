import { NetworkPeer } from './network';

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
  /** `minio` for the in-cluster store, `s3` for an external endpoint. */
  readonly implementation: 'minio' | 's3';
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
}
