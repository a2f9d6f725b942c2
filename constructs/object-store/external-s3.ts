import { Construct } from 'constructs';
import { NetworkPeer } from '../core/network';
import { Prerequisites } from '../core/prerequisites';
import {
  IObjectStore,
  S3CredentialsRef,
  SCOPED_CREDENTIAL_KEYS,
  ScopedCredentialsRegistry,
  ScopedCredentialsRequest,
} from '../core/object-store';

export interface ExternalS3Props {
  /** Endpoint URL, e.g. `https://s3.eu-west-1.amazonaws.com`. */
  readonly endpoint: string;
  readonly region: string;
  /** The bucket the platform uses by default (pipeline artifacts). */
  readonly bucket: string;
  /** Further buckets the platform may use. @default [] */
  readonly extraBuckets?: readonly string[];
  /** A Secret the user manages that holds the access key pair. */
  readonly credentials: S3CredentialsRef;
}

/** An S3 endpoint outside the cluster (AWS S3, GCS interoperability, Ceph RGW, an existing MinIO). */
export class ExternalS3 extends Construct implements IObjectStore {
  public readonly implementation = 's3';
  public readonly host: string;
  public readonly port: number;
  public readonly secure: boolean;
  public readonly endpointUrl: string;
  public readonly region: string;
  public readonly buckets: readonly string[];
  private readonly scoped: ScopedCredentialsRegistry;
  public readonly credentials: S3CredentialsRef;

  public constructor(scope: Construct, id: string, props: ExternalS3Props) {
    super(scope, id);
    let url: URL;
    try {
      url = new URL(props.endpoint);
    } catch {
      throw new Error(`S3 endpoint "${props.endpoint}" is not a URL.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new Error(`S3 endpoint "${props.endpoint}" must use http or https.`);
    }
    this.secure = url.protocol === 'https:';
    this.host = url.hostname;
    this.port = url.port ? Number(url.port) : this.secure ? 443 : 80;
    this.endpointUrl = `${url.protocol}//${this.host}:${this.port}`;
    this.region = props.region;
    this.buckets = [props.bucket, ...(props.extraBuckets ?? [])];
    this.scoped = new ScopedCredentialsRegistry(props.bucket);
    this.credentials = props.credentials;
    Prerequisites.of(this).requireSecret({
      namespace: props.credentials.namespace,
      name: props.credentials.secretName,
      keys: [props.credentials.accessKeyKey, props.credentials.secretKeyKey],
      purpose: 'object store clients',
    });
  }

  /** Traffic to an external endpoint leaves through egress; there is no ingress to open. */
  public grantAccess(_id: string, _peer: NetworkPeer): void {}

  /**
   * The platform cannot make users on an external endpoint: the Secret is one the user creates in
   * the clients' namespace with an access key limited to the prefixes (an IAM user or role
   * policy), listed as a prerequisite that `install.sh` checks.
   */
  public scopedCredentials(_scope: Construct, request: ScopedCredentialsRequest): S3CredentialsRef {
    return this.scoped.getOrCreate(request, () => this.requireScopedSecret(request));
  }

  private requireScopedSecret(request: ScopedCredentialsRequest): S3CredentialsRef {
    const secretName = request.secretName ?? 'mlpipeline-minio-artifact';
    const bucket = request.bucket ?? this.buckets[0];
    Prerequisites.of(this).requireSecret({
      namespace: request.namespace,
      name: secretName,
      keys: [SCOPED_CREDENTIAL_KEYS.accessKey, SCOPED_CREDENTIAL_KEYS.secretKey],
      purpose: `S3 access limited to ${request.prefixes.map((p) => `s3://${bucket}/${p}`).join(', ')}`,
    });
    return {
      secretName,
      namespace: request.namespace,
      accessKeyKey: SCOPED_CREDENTIAL_KEYS.accessKey,
      secretKeyKey: SCOPED_CREDENTIAL_KEYS.secretKey,
    };
  }
}
