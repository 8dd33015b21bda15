import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs; handlers append correlation keys (receipt, inbox, message) per record. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
}
