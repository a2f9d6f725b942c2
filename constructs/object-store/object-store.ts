import { Construct } from 'constructs';
import { INamespace } from '../core/network';
import { IObjectStore } from '../core/object-store';
import { Minio, MinioProps } from '../minio/minio';
import { SeaweedFs, SeaweedFsProps } from '../seaweedfs/seaweedfs';
import { ExternalS3, ExternalS3Props } from './external-s3';

/** Where an in-cluster store is placed when it is bound. */
export interface ObjectStoreBindContext {
  /** Called only by stores that run in the cluster, so no namespace is made for an external one. */
  namespace(): INamespace;
}

/**
 * The platform's object store, chosen once: MinIO or SeaweedFS in the cluster, or an external S3
 * endpoint.
 * Consumers receive the bound `IObjectStore` and never learn which one it is.
 */
export abstract class ObjectStore {
  /** Run MinIO in the cluster. */
  public static minio(props: Omit<MinioProps, 'namespace'> = {}): ObjectStore {
    return new (class extends ObjectStore {
      public readonly implementation = 'minio';
      public bind(scope: Construct, id: string, ctx: ObjectStoreBindContext): IObjectStore {
        return new Minio(scope, id, { ...props, namespace: ctx.namespace() });
      }
    })();
  }

  /**
   * Run SeaweedFS in the cluster, the store of Kubeflow's 26.03.1 distribution, in the namespace
   * the bind context makes.
   */
  public static seaweedfs(props: Omit<SeaweedFsProps, 'namespace'> = {}): ObjectStore {
    return new (class extends ObjectStore {
      public readonly implementation = 'seaweedfs';
      public bind(scope: Construct, id: string, ctx: ObjectStoreBindContext): IObjectStore {
        return new SeaweedFs(scope, id, { ...props, namespace: ctx.namespace() });
      }
    })();
  }

  /** Use an S3 endpoint outside the cluster. */
  public static s3(props: ExternalS3Props): ObjectStore {
    return new (class extends ObjectStore {
      public readonly implementation = 's3';
      public bind(scope: Construct, id: string): IObjectStore {
        return new ExternalS3(scope, id, props);
      }
    })();
  }

  public abstract readonly implementation: IObjectStore['implementation'];

  /** Creates the store's objects (if any) and returns it. */
  public abstract bind(scope: Construct, id: string, ctx: ObjectStoreBindContext): IObjectStore;
}
