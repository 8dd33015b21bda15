#!/usr/bin/env node
/**
 * CDK entry point (`cdk.json`: `npx tsx bin/app.ts`). Context: domain (required, no default), receiptRuleSet,
 * rawMailRetentionDays, alarmEmail, terminationProtection, allowedOrigins, jwtIssuer + jwtAudience, apiRateLimit,
 * apiBurstLimit, inboundMaxConcurrency, apiReservedConcurrency, webConsole, oidcName + oidcScopes + oidcOrigins (see the README). The region must be one where SES
 * receives mail.
 */
import { App } from 'aws-cdk-lib';
import { createHostedInbox } from '../lib/hosted-inbox';

createHostedInbox(new App());
