/**
 * The local SMTP listener in a process of its own, over the environment it was started with (the test
 * stack's endpoints, tables, bucket and raw-mail prefix), so a test can `kill -9` it mid-burst. Tells its
 * parent the port once it listens.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../../functions/commons/env';
import { handler } from '../../functions/inbound/handler';
import { startSmtpInbound } from '../../bin/local/smtp-inbound';

startSmtpInbound({ port: 0, bucket: config().mailBucket, rawMailPrefix: config().rawMailPrefix, s3: new S3Client({}), handler }).then(
  ({ port }) => process.send!({ port }),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
