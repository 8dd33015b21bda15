/**
 * Everything that holds data: the mail bucket and the tables. Built from the shared table design, so the
 * cloud and the local stack cannot disagree on keys or indexes.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLES, TableDesign, TableKey } from '../functions/commons/table-design';
import { UNREFERENCED_TAG } from '../functions/commons/mail-objects';

/** Same default as functions/commons/env.ts. */
export const DEFAULT_RAW_MAIL_PREFIX = 'inbound/';
/** Prefixes the inbound function writes under; the raw-mail prefix must not overlap them (see below). */
export const BODIES_PREFIX = 'bodies/';
export const ATTACHMENTS_PREFIX = 'attachments/';

export type InboxTables = Readonly<Record<TableKey, dynamodb.ITable>>;

export interface InboxDataProps {
  /**
   * Key prefix SES stores raw mail under.
   * @default DEFAULT_RAW_MAIL_PREFIX ('inbound/')
   */
  readonly rawMailPrefix?: string;
  /**
   * How long raw mail is kept. Parsed bodies and attachments are kept (they back the conversations).
   * @default Duration.days(365)
   */
  readonly rawMailRetention?: Duration;
  /**
   * When raw mail moves to Standard-IA (it is read once when received, then only to reprocess).
   * Must be at least 30 days and shorter than the retention; ignored when it is not shorter.
   * @default Duration.days(30)
   */
  readonly rawMailInfrequentAccessAfter?: Duration;
  /**
   * What happens to the bucket and tables when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export class InboxData extends Construct {
  readonly bucket: s3.Bucket;
  readonly tables: InboxTables;
  readonly rawMailPrefix: string;

  constructor(scope: Construct, id: string, props: InboxDataProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.rawMailPrefix = props.rawMailPrefix ?? DEFAULT_RAW_MAIL_PREFIX;
    // An empty or overlapping prefix would let the function's own writes trigger it again, in a loop.
    const prefix = this.rawMailPrefix;
    const overlaps = [BODIES_PREFIX, ATTACHMENTS_PREFIX].some((w) => prefix.startsWith(w) || w.startsWith(prefix));
    if (!/^([a-z0-9][a-z0-9._-]*\/)+$/.test(prefix) || overlaps) {
      throw new Error(
        `rawMailPrefix must be a lowercase folder like 'inbound/', apart from '${BODIES_PREFIX}' and '${ATTACHMENTS_PREFIX}' (got '${prefix}')`,
      );
    }
    const retention = props.rawMailRetention ?? Duration.days(365);
    const toIa = props.rawMailInfrequentAccessAfter ?? Duration.days(30);

    this.bucket = new s3.Bucket(this, 'MailBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy,
      lifecycleRules: [
        {
          id: 'raw-mail',
          prefix,
          expiration: retention,
          transitions:
            toIa.toDays() < retention.toDays()
              ? [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: toIa }]
              : undefined,
        },
        // Large attachments are written with multipart uploads; don't pay for ones a crash left behind.
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Attachments and bodies of mail that ended quarantined or failed after they were stored.
        { id: 'unreferenced-objects', tagFilters: { [UNREFERENCED_TAG.Key]: UNREFERENCED_TAG.Value }, expiration: Duration.days(30) },
      ],
    });

    const tables = {} as Record<TableKey, dynamodb.TableV2>;
    for (const key of Object.keys(TABLES) as TableKey[]) {
      tables[key] = this.table(key, TABLES[key], removalPolicy);
    }
    this.tables = tables;
  }

  private table(key: TableKey, design: TableDesign, removalPolicy: RemovalPolicy): dynamodb.TableV2 {
    const attr = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    return new dynamodb.TableV2(this, `${key[0].toUpperCase()}${key.slice(1)}Table`, {
      partitionKey: attr(design.partitionKey),
      sortKey: attr(design.sortKey),
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: design.ttlAttribute,
      globalSecondaryIndexes: design.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: attr(index.partitionKey),
        sortKey: attr(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      removalPolicy,
    });
  }
}
