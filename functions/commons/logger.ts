import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (level from POWERTOOLS_LOG_LEVEL); handlers append correlation keys per record. */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}
