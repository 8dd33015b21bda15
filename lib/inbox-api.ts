/**
 * The HTTP API: one Lambda function per API function name, one route per entry of the shared route table
 * (functions/api/routes.ts), a JWT authorizer on every route but the public verification link, throttling on
 * the stage and CORS for the configured browser origins. Also the Cognito user pool that issues the tokens,
 * when no other identity provider is configured (it lives in the data stack: it holds the users).
 */
import * as path from 'path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import { NagSuppressions } from 'cdk-nag';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { API_ROUTES, ApiFunctionName, ApiRoute, CORS_HEADERS, routeKey } from '../functions/api/routes';
import { HouseFunction, MAIL_FILING_MEMORY_MB } from './house-function';
import { DEFAULT_RAW_MAIL_PREFIX, InboxTables } from './inbox-data';

/** The handler module of an API function: `functions/api/<name>/handler.ts`, exporting `handler`. */
export const apiHandlerEntry = (name: ApiFunctionName): string =>
  path.join(__dirname, '..', 'functions', 'api', name, 'handler.ts');

/** Requests per second (steady) and burst (token bucket size) API Gateway allows before answering 429. */
export interface ApiThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export const DEFAULT_API_THROTTLE: ApiThrottle = { rateLimit: 50, burstLimit: 100 };
/** The public verification link needs no more: it is opened by hand, once per address. */
export const DEFAULT_PUBLIC_ROUTE_THROTTLE: ApiThrottle = { rateLimit: 5, burstLimit: 10 };

/** Browser requests carry the ID token as a bearer token and JSON bodies; nothing else is needed. */
export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export interface InboxApiProps {
  /**
   * The inbox domain, e.g. `inbox.example.com`: passed as INBOX_DOMAIN, and the system sender's domain (the
   * function that sends mail may send from `no-reply@<domain>` only).
   */
  readonly domain: string;
  /** The tables; each function is bound only to those it uses. */
  readonly tables: InboxTables;
  /**
   * The mail bucket: the conversations function reads bodies and attachments (and links to them).
   * @default - no bucket access (conversation HTML and attachments then cannot be served)
   */
  readonly mailBucket?: s3.IBucket;
  /**
   * Key prefix of raw mail in the mail bucket: a release of quarantined mail reads it there.
   * @default DEFAULT_RAW_MAIL_PREFIX ('inbound/')
   */
  readonly rawMailPrefix?: string;
  /** Issuer (`iss` claim) of the accepted tokens, an https URL, e.g. `InboxUserPool.issuer`. */
  readonly jwtIssuer: string;
  /** Accepted audiences (`aud` or `client_id` claim), e.g. the user pool client id. */
  readonly jwtAudience: readonly string[];
  /**
   * Where invited users (`POST /users`) get their sign-in: the directory function may create and remove its users.
   * @default - none: users are only recorded (another identity provider issues their tokens)
   */
  readonly userPool?: cognito.IUserPool;
  /**
   * Browser origins allowed to call the API (CORS), e.g. `https://app.example.com`.
   * @default - no CORS configuration: browsers on other origins cannot call the API
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Throttle of every route of the stage.
   * @default DEFAULT_API_THROTTLE (50 requests/s, burst 100)
   */
  readonly throttle?: ApiThrottle;
  /**
   * Throttle of the public (unauthenticated) routes; never above `throttle`.
   * @default DEFAULT_PUBLIC_ROUTE_THROTTLE (5 requests/s, burst 10)
   */
  readonly publicRouteThrottle?: ApiThrottle;
  /**
   * Handler module of each function (tests point them at a fixture).
   * @default - apiHandlerEntry(name), i.e. functions/api/<name>/handler.ts
   */
  readonly entries?: Partial<Readonly<Record<ApiFunctionName, string>>>;
  /**
   * Concurrency reserved for each API function, so a burst elsewhere (inbound mail) cannot take it all. Lambda
   * refuses reservations that leave the account's unreserved pool below 10: the total (this × the number of
   * functions) must stay 10 below the account's concurrency quota.
   * @default - none (see the README: the inbound queue's maxConcurrency protects the API in small accounts)
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the functions' and the access log's log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

interface ApiFunctionSpec {
  readonly description: string;
  /**
   * Tables, grants and variables: exactly what the function's code uses, by action
   * (`fn.bindTables({ inboxes: tables.inboxes }, ['GetItem', 'Query'])`, or the presets 'read' / 'readWrite').
   */
  readonly bind: (fn: HouseFunction, props: InboxApiProps) => void;
  /** @default INTERACTIVE_SIZE */
  readonly size?: { readonly memorySize: number; readonly timeout: Duration };
}

/** Interactive requests: more CPU for faster cold starts; well inside API Gateway's 30 s limit. */
const INTERACTIVE_SIZE = { memorySize: 512, timeout: Duration.seconds(10) };
/** API Gateway's HTTP API answers 503 after 30 s: the longest a function behind it can usefully run. */
const LONGEST_INTEGRATION = Duration.seconds(29);

/**
 * What each API function needs. Typed by ApiFunctionName, so a function added to the route table fails the
 * typecheck until it is wired here.
 */
const API_FUNCTIONS: Readonly<Record<ApiFunctionName, ApiFunctionSpec>> = {
  directory: {
    description: 'API: the caller, the account, users and teams',
    bind: (fn, { tables, userPool }) => {
      fn.bindTables({ inboxes: tables.inboxes }, 'readWrite');
      if (!userPool) return;
      fn.function.addEnvironment('USER_POOL_ID', userPool.userPoolId);
      userPool.grant(fn.function, 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminDeleteUser');
    },
  },
  inboxes: {
    description: 'API: inboxes, channels, forwarding and sender addresses',
    bind: (fn, { tables, domain }) => {
      // Tickets: only to check that a template's pipeline and stage exist.
      fn.bindTables({ inboxes: tables.inboxes }, 'readWrite')
        .bindTables({ tickets: tables.tickets }, ['GetItem', 'Query'])
        .grantSendEmailFrom(systemFromAddress(domain));
      fn.function.addEnvironment('SYSTEM_FROM', systemFrom(domain));
      // Sending domains accounts connect (POST /sending-domains): SES identities created and read.
      fn.grantEmailIdentities(['ses:CreateEmailIdentity', 'ses:GetEmailIdentity']);
    },
  },
  crm: {
    description: 'API: ticket pipelines, tickets and contacts',
    // Tickets are read and updated, pipelines put; contacts listed, read, renamed and given an owner; the
    // inboxes table only to check that an owner is a user of the account; conversations to list a contact's.
    bind: (fn, { tables }) =>
      fn
        .bindTables({ tickets: tables.tickets }, ['GetItem', 'Query', 'PutItem', 'UpdateItem'])
        .bindTables({ contacts: tables.contacts }, ['GetItem', 'Query', 'UpdateItem'])
        .bindTables({ inboxes: tables.inboxes, conversations: tables.conversations }, 'read'),
  },
  verification: {
    description: 'API: the public link that confirms a sender address',
    // Reads the token and the inbox; confirms with one transaction of two updates (the token, the inbox).
    bind: (fn, { tables }) => fn.bindTables({ inboxes: tables.inboxes }, ['GetItem', 'UpdateItem']),
  },
  conversations: {
    description: 'API: conversation views, reading, assignment and status, notes, re-attribution and merges',
    // The inboxes table for inboxes, users' open counts and names; the mail bucket for bodies, attachments and
    // reply attachments (their download links).
    bind: (fn, { tables, mailBucket }) => {
      fn.bindTables({ conversations: tables.conversations, inboxes: tables.inboxes }, 'readWrite');
      // Re-attribution creates and counts contacts and moves a ticket's contact; a merge links tickets.
      fn.bindTables({ contacts: tables.contacts }, ['GetItem', 'UpdateItem']).bindTables({ tickets: tables.tickets }, ['UpdateItem']);
      if (mailBucket) fn.bindMailBucket(mailBucket, { rawMailPrefix: 'inbound/', readPrefixes: ['bodies/', 'attachments/', 'outbound/'] });
    },
  },
  replies: {
    description: 'API: replies (sent through SES) and their attachments',
    // Conversations and inboxes as a reply reads and commits them (an unassigned conversation is assigned to the
    // replier); the quoted message's body; reply attachments uploaded under outbound/ and read back to send.
    bind: (fn, { tables, mailBucket }) => {
      fn.bindTables({ conversations: tables.conversations, inboxes: tables.inboxes }, 'readWrite').grantSendEmailAsAccountIdentities();
      if (mailBucket) fn.bindMailBucket(mailBucket, { rawMailPrefix: 'inbound/', readPrefixes: ['bodies/', 'outbound/'], writePrefixes: ['outbound/'] });
    },
  },
  mail: {
    description: "API: an inbox's quarantine (list, delete), failed mail and health",
    // Reads the inbox (and the caller's role); lists and reads receipts (Query, GetItem on settling) and marks one
    // deleted (UpdateItem); health is a Query of the inbox's counters.
    bind: (fn, { tables }) => fn.bindTables({ inboxes: tables.inboxes }, ['GetItem']).bindTables({ conversations: tables.conversations }, ['GetItem', 'Query', 'UpdateItem']),
  },
  release: {
    description: 'API: releases quarantined mail through the inbound chain',
    // A release claims its record and runs the inbound chain, which reads the raw mail, writes bodies and
    // attachments and commits like the inbound function (the four tables).
    bind: (fn, { tables, mailBucket, rawMailPrefix }) => {
      if (mailBucket) fn.bindMailFiling(tables, mailBucket, rawMailPrefix ?? DEFAULT_RAW_MAIL_PREFIX);
      else fn.bindTables(tables, 'readWrite');
    },
    // The inbound function's memory (a 40 MB message must not run out of it on every try) and all the time
    // API Gateway waits: a release that still fails stays listed and is released again (README, Quarantine).
    size: { memorySize: MAIL_FILING_MEMORY_MB, timeout: LONGEST_INTEGRATION },
  },
  openapi: {
    description: 'API: the public OpenAPI document',
    bind: () => {}, // no tables, no grants: it only describes the API
  },
};

export const API_FUNCTION_NAMES = Object.keys(API_FUNCTIONS) as ApiFunctionName[];

/** Address of the mail the system itself sends. */
export const systemFromAddress = (domain: string): string => `no-reply@${domain}`;
/** From header of the mail the system itself sends (same default as functions/commons/env.ts). */
export const systemFrom = (domain: string): string => `hosted-inbox <${systemFromAddress(domain)}>`;

export class InboxApi extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage, which carries the throttling. */
  readonly stage: apigwv2.IHttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  readonly functions: Readonly<Record<ApiFunctionName, HouseFunction>>;
  /** Every route, by route key (`GET /me`). */
  readonly routes: Readonly<Record<string, apigwv2.HttpRoute>>;
  /** Base URL of the API, ending in `/`. */
  readonly url: string;
  /** One JSON line per request: who, what, status, latency, and the integration's error if any. */
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: InboxApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? DEFAULT_API_THROTTLE;
    const requested = props.publicRouteThrottle ?? DEFAULT_PUBLIC_ROUTE_THROTTLE;
    const publicThrottle: ApiThrottle = {
      rateLimit: Math.min(requested.rateLimit, throttle.rateLimit),
      burstLimit: Math.min(requested.burstLimit, throttle.burstLimit),
    };
    if (props.jwtAudience.length === 0) throw new Error('InboxApi: jwtAudience must name at least one audience');

    const functions = {} as Record<ApiFunctionName, HouseFunction>;
    for (const name of API_FUNCTION_NAMES) {
      const spec = API_FUNCTIONS[name];
      const fn = new HouseFunction(this, `${name[0].toUpperCase()}${name.slice(1)}`, {
        entry: props.entries?.[name] ?? apiHandlerEntry(name),
        description: spec.description,
        ...(spec.size ?? INTERACTIVE_SIZE),
        environment: { INBOX_DOMAIN: props.domain },
        reservedConcurrency: props.reservedConcurrency,
        logRetention: props.logRetention,
      });
      spec.bind(fn, props);
      functions[name] = fn;
    }
    this.functions = functions;

    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      jwtAudience: [...props.jwtAudience],
    });
    const origins = props.allowedOrigins ?? [];
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: 'hosted-inbox',
      description: 'hosted-inbox API',
      // Anything routed later is protected unless it opts out, like the public routes below.
      defaultAuthorizer: this.authorizer,
      corsPreflight:
        origins.length > 0
          ? {
              allowOrigins: [...origins],
              allowMethods: CORS_METHODS.map((m) => apigwv2.CorsHttpMethod[m]),
              allowHeaders: [...CORS_HEADERS],
              maxAge: Duration.hours(1),
            }
          : undefined,
    });

    // One permission per function for this API (not one per route): the routes are what limits the calls.
    const integrations = {} as Record<ApiFunctionName, HttpLambdaIntegration>;
    for (const name of API_FUNCTION_NAMES) {
      integrations[name] = new HttpLambdaIntegration(`${name}Integration`, functions[name].function, {
        scopePermissionToRoute: false,
      });
    }
    const routes: Record<string, apigwv2.HttpRoute> = {};
    const publicRoutes: [ApiRoute, apigwv2.HttpRoute][] = [];
    for (const route of API_ROUTES) {
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integrations[route.function],
        authorizer: route.auth === 'public' ? new apigwv2.HttpNoneAuthorizer() : this.authorizer,
      });
      routes[routeKey(route)] = created;
      if (route.auth === 'public') {
        publicRoutes.push([route, created]);
        NagSuppressions.addResourceSuppressions(created, [
          {
            id: 'AwsSolutions-APIG4',
            reason: `${routeKey(route)} is public by design (routes.ts): the link in a verification email (the token is the proof) or the OpenAPI document; throttled to the public-route limit.`,
          },
        ]);
      }
    }
    this.routes = routes;

    // The L2 default stage takes no throttle and no per-route settings: set both on its CfnStage.
    this.stage = this.httpApi.defaultStage!;
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.defaultRouteSettings = {
      throttlingRateLimit: throttle.rateLimit,
      throttlingBurstLimit: throttle.burstLimit,
    };
    if (publicRoutes.length > 0) {
      cfnStage.routeSettings = Object.fromEntries(
        publicRoutes.map(([route]) => [
          routeKey(route),
          { ThrottlingRateLimit: publicThrottle.rateLimit, ThrottlingBurstLimit: publicThrottle.burstLimit },
        ]),
      );
      // API Gateway refuses route settings for a route key that does not exist yet.
      this.stage.node.addDependency(...publicRoutes.map(([, created]) => created));
    }
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    cfnStage.accessLogSettings = { destinationArn: this.accessLogs.logGroupArn, format: JSON.stringify(ACCESS_LOG_FORMAT) };
    this.url = this.httpApi.url!;
  }
}

/** API Gateway's `$context` variables per request; no bodies, no tokens. */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  routeKey: '$context.routeKey',
  status: '$context.status',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  accountId: '$context.authorizer.claims.custom:account_id',
  userAgent: '$context.identity.userAgent',
} as const;

export interface InboxUserPoolProps {
  /**
   * What happens to the pool (its users) when it leaves the stack. RETAIN also turns on deletion protection.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Users of the app: sign-in by email, accounts created by an administrator (no self sign-up), the caller's
 * account and user ids in custom attributes that reach the API as `custom:account_id` / `custom:user_id`
 * claims of the ID token. The web client can read them but never write them.
 */
export class InboxUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** The `iss` of the pool's tokens, as API Gateway's JWT authorizer expects it. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: InboxUserPoolProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // A changed email takes effect only once verified: the email claim never names an unproven address.
      keepOriginal: { email: true },
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      // Mutable so an administrator can set them after creating the user; the client below cannot.
      customAttributes: {
        account_id: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        user_id: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      // Password sign-in through the SDK is all the app uses; Lite is the cheapest plan that offers it.
      featurePlan: cognito.FeaturePlan.LITE,
      removalPolicy,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
    });
    this.client = this.userPool.addClient('WebClient', {
      // A public client (browser): no secret, SRP sign-in, refresh tokens (added with any auth flow).
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('account_id', 'user_id'),
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
