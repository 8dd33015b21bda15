#!/usr/bin/env node
/**
 * CDK entry point (`cdk.json`: `npx tsx bin/app.ts`). Context: domain (required), rawMailRetentionDays, alarmEmail,
 * terminationProtection, allowedOrigins, jwtIssuer + jwtAudience, apiRateLimit, apiBurstLimit (see the README).
 */
import { App } from 'aws-cdk-lib';
import { createHostedInbox } from '../lib/hosted-inbox';

createHostedInbox(new App());
