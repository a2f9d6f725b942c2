import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseTls, IDatabase } from '../core/database';
import { NetworkPeer } from '../core/network';
import { Prerequisites } from '../core/prerequisites';
import { DNS_SUBDOMAIN, propProblem, throwIfProblems } from '../core/validation';
import { DATABASE_CREDENTIAL_KEYS } from './names';

/** Where the user name and password of an external database are: a Secret the user manages. */
export interface ExternalDatabaseCredentials {
  /** Name of the Secret, the same in every namespace that reads it. */
  readonly secretName: string;
  /** @default 'username' */
  readonly usernameKey?: string;
  /** @default 'password' */
  readonly passwordKey?: string;
}

export interface ExternalDatabaseProps {
  /** @default 'mysql' */
  readonly engine?: IDatabase['engine'];
  /** The server version clients may rely on, e.g. `8.4` (Amazon RDS, Cloud SQL ...). */
  readonly version: string;
  /** Host name or address the clients connect to, without scheme or port. */
  readonly host: string;
  /** @default 3306 for mysql, 5432 for postgresql */
  readonly port?: number;
  /**
   * Traffic to a database outside the cluster crosses networks the platform does not control.
   * @default { required: true } - TLS, verified against the system roots
   */
  readonly tls?: DatabaseTls;
  /**
   * A Secret the user creates in every namespace whose workloads connect (each call to
   * `credentials(namespace)` adds that namespace to the prerequisites).
   */
  readonly credentials: ExternalDatabaseCredentials;
}

const DEFAULT_PORTS: Record<IDatabase['engine'], number> = { mysql: 3306, postgresql: 5432 };
const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/**
 * A database the organisation runs (Amazon RDS, Cloud SQL, an existing MySQL), offered as
 * `IDatabase`. The platform creates nothing for it: its credentials and CA are Secrets the user
 * manages, listed as prerequisites in each namespace that reads them.
 */
export class ExternalDatabase extends Construct implements IDatabase {
  public readonly engine: IDatabase['engine'];
  public readonly version: string;
  public readonly host: string;
  public readonly port: number;
  public readonly tls: DatabaseTls;

  private readonly secret: Required<ExternalDatabaseCredentials>;

  public constructor(scope: Construct, id: string, props: ExternalDatabaseProps) {
    super(scope, id);
    this.engine = props.engine ?? 'mysql';
    this.version = props.version;
    this.host = props.host;
    this.port = props.port ?? DEFAULT_PORTS[this.engine];
    this.tls = props.tls ?? { required: true };
    this.secret = {
      secretName: props.credentials.secretName,
      usernameKey: props.credentials.usernameKey ?? DATABASE_CREDENTIAL_KEYS.username,
      passwordKey: props.credentials.passwordKey ?? DATABASE_CREDENTIAL_KEYS.password,
    };
    const problems: string[] = [];
    if (!HOST.test(this.host)) {
      problems.push(
        propProblem(
          'host',
          'is not a host name or address',
          `"${this.host}"`,
          'Give the host alone, e.g. kfp.abc123.eu-west-1.rds.amazonaws.com, without scheme or port.',
        ),
      );
    }
    if (!Number.isInteger(this.port) || this.port < 1 || this.port > 65535) {
      problems.push(
        propProblem('port', 'is not a TCP port', String(this.port), 'Use a port from 1 to 65535.'),
      );
    }
    if (!this.version.trim()) {
      problems.push(
        propProblem('version', 'is empty', undefined, 'Give the server version, e.g. 8.4.'),
      );
    }
    if (!DNS_SUBDOMAIN.test(this.secret.secretName)) {
      problems.push(
        propProblem(
          'credentials.secretName',
          'is not a Secret name',
          `"${this.secret.secretName}"`,
          'Use a DNS subdomain such as kfp-database.',
        ),
      );
    }
    if (this.tls.caSecret && !DNS_SUBDOMAIN.test(this.tls.caSecret.name)) {
      problems.push(
        propProblem(
          'tls.caSecret.name',
          'is not a Secret name',
          `"${this.tls.caSecret.name}"`,
          'Use a DNS subdomain such as kfp-database-ca.',
        ),
      );
    }
    if (this.tls.caSecret && !this.tls.required) {
      problems.push(
        propProblem(
          'tls.caSecret',
          'is set while TLS is not required',
          undefined,
          'Set tls.required to true, or leave caSecret out.',
        ),
      );
    }
    throwIfProblems(`ExternalDatabase "${id}"`, problems);
  }

  /**
   * The user's Secret in `namespace`, which must exist there before install: it and the CA
   * Secret (if any) become prerequisites of that namespace.
   */
  public credentials(namespace: string): {
    readonly username: k8s.SecretKeySelector;
    readonly password: k8s.SecretKeySelector;
  } {
    const prerequisites = Prerequisites.of(this);
    prerequisites.requireSecret({
      namespace,
      name: this.secret.secretName,
      keys: [this.secret.usernameKey, this.secret.passwordKey],
      purpose: `${this.engine} database ${this.host} clients`,
    });
    if (this.tls.caSecret) {
      prerequisites.requireSecret({
        namespace,
        name: this.tls.caSecret.name,
        keys: [this.tls.caSecret.key],
        purpose: `CA of the ${this.engine} database ${this.host}`,
      });
    }
    return {
      username: { name: this.secret.secretName, key: this.secret.usernameKey },
      password: { name: this.secret.secretName, key: this.secret.passwordKey },
    };
  }

  /** The databases the clients declared; the organisation creates them and grants the user. */
  public get databases(): readonly string[] {
    return this.databaseList;
  }
  private readonly databaseList: string[] = [];

  public addDatabase(name: string): void {
    if (!this.databaseList.includes(name)) this.databaseList.push(name);
  }

  /** Traffic to an external database leaves through egress; there is no ingress to open. */
  public grantAccess(_id: string, _peer: NetworkPeer): void {}
}
