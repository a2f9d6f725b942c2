import { k8s } from 'cdk8s-plus-27';
import { NetworkPeer } from './network';

/** How clients connect to a database over TLS. */
export interface DatabaseTls {
  /** Whether clients must use TLS. */
  readonly required: boolean;
  /** A Secret key holding the CA that signed the server certificate. @default - the system roots */
  readonly caSecret?: { readonly name: string; readonly key: string };
}

/**
 * A relational database that platform components keep their state in (Kubeflow Pipelines, Katib,
 * the model registry): the managed MySQL of the platform or a database the organisation runs.
 * Components take an `IDatabase`, never a host string.
 */
export interface IDatabase {
  readonly engine: 'mysql' | 'postgresql';
  /** The server version clients may rely on, e.g. `8.4`. */
  readonly version: string;
  readonly host: string;
  readonly port: number;
  readonly tls: DatabaseTls;
  /** Where the user name and password of the clients are, in the client's namespace. */
  credentials(namespace: string): {
    readonly username: k8s.SecretKeySelector;
    readonly password: k8s.SecretKeySelector;
  };
  /**
   * Lets `peer` reach the database. For an in-cluster database this adds a NetworkPolicy allow;
   * an external one is reached through egress and needs nothing here.
   */
  grantAccess(id: string, peer: NetworkPeer): void;
  /**
   * The databases (schemas) the clients keep their tables in, e.g. `mlpipeline`, `katib`, in the
   * order they were declared.
   */
  readonly databases: readonly string[];
  /**
   * Declares a database a client needs. The managed database creates it with every privilege for
   * the application user; an external one lists it for the organisation to create and grant.
   * Declaring one twice is harmless.
   */
  addDatabase(name: string): void;
  /**
   * Lets clients without a mesh sidecar connect (an in-cluster database in the mesh accepts plain
   * connections on its port, port-level PERMISSIVE), with the reason; network policy still decides
   * who connects. Nothing to do for a database outside the mesh.
   */
  acceptClientsWithoutMesh?(reason: string): void;
}
