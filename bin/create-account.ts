/**
 * `hosted-inbox create-account --name NAME --subdomain SUB --admin EMAIL [--admin-name NAME]
 *    [--stack STACK | --table TABLE [--user-pool POOL_ID]]`
 *
 * Locally (no --stack/--table): writes the account and its admin to the local stack's DynamoDB and prints a
 * token for the admin, signed with the local key `npm start` uses. Against a deployment: the inboxes table
 * and the Cognito user pool come from the data stack's outputs (`--stack HostedInbox-Data`) or the flags;
 * the admin gets a Cognito sign-in (Cognito emails a temporary password). Prints one JSON object.
 * Exit 0 on success; 2 on bad usage; 1 when the account cannot be created.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../functions/commons/clients';
import { CognitoSignIns } from '../functions/adapters/cognito-sign-ins';
import { ApiError, ValidationFailed } from '../functions/commons/errors';
import { newId } from '../functions/commons/ids';
import { DynamoDirectory } from '../functions/adapters/dynamo-directory';
import { parseWith } from '../functions/api/http/request';
import { createAccount } from '../functions/directory/accounts';
import type { SignIns } from '../functions/directory/ports';
import { newAccountSchema } from '../functions/directory/schemas';
import { localDataDir, localStackEnvironment, useLocalStack } from './local/cli-env';
import { LocalAuth, loadLocalAuth } from './local/local-auth';

const CREATE_ACCOUNT_USAGE =
  'usage: hosted-inbox create-account --name NAME --subdomain SUBDOMAIN --admin EMAIL [--admin-name NAME] [--stack STACK | --table TABLE [--user-pool POOL_ID]]';

/** The data stack's outputs this command reads (lib/stateful-stack.ts). */
export const STACK_OUTPUTS = { table: 'InboxesTableName', userPool: 'UserPoolId' } as const;

/** Everything that talks to AWS or the local stack, so tests can point it at the local stack and a fake pool. */
export interface CreateAccountDeps {
  stackOutputs(stack: string): Promise<Record<string, string>>;
  signIns(userPoolId: string): SignIns;
  /** Built after the target is known (locally, once the environment points at the local stack). */
  dynamo(): DynamoDBDocumentClient;
  localAuth(): Promise<LocalAuth>;
  /** Defaults for the environment when the target is the local stack. */
  localEnvironment(): Promise<Record<string, string>>;
  out(text: string): void;
  err(text: string): void;
}

const FLAGS: Record<string, string> = { name: '--name', subdomain: '--subdomain', adminEmail: '--admin', adminName: '--admin-name' };

interface Target {
  readonly table: string;
  readonly userPoolId?: string;
  readonly local: boolean;
}

async function targetOf(values: { stack?: string; table?: string; 'user-pool'?: string }, deps: CreateAccountDeps): Promise<Target> {
  if (values.stack) {
    const outputs = await deps.stackOutputs(values.stack);
    const table = outputs[STACK_OUTPUTS.table];
    if (!table) throw new Error(`stack ${values.stack} has no ${STACK_OUTPUTS.table} output: is it the data stack (HostedInbox-Data)?`);
    return { table, userPoolId: values['user-pool'] ?? outputs[STACK_OUTPUTS.userPool], local: false };
  }
  if (values.table) return { table: values.table, userPoolId: values['user-pool'], local: false };
  useLocalStack(await deps.localEnvironment());
  return { table: process.env.INBOXES_TABLE!, local: true };
}

export async function createAccountCommand(args: string[], deps: CreateAccountDeps): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        name: { type: 'string' },
        subdomain: { type: 'string' },
        admin: { type: 'string' },
        'admin-name': { type: 'string' },
        stack: { type: 'string' },
        table: { type: 'string' },
        'user-pool': { type: 'string' },
      },
    }));
    if (values['user-pool'] && !values.stack && !values.table) throw new Error('--user-pool needs --table (or --stack)');
    if (values.stack && values.table) throw new Error('give --stack or --table, not both');
  } catch (error) {
    deps.err(`${(error as Error).message}\n${CREATE_ACCOUNT_USAGE}\n`);
    return 2;
  }
  let input;
  try {
    input = parseWith(newAccountSchema, { name: values.name, subdomain: values.subdomain, adminEmail: values.admin, adminName: values['admin-name'] });
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    deps.err(`${error.issues.map((issue) => `${FLAGS[issue.field] ?? issue.field}: ${issue.message}`).join('\n')}\n${CREATE_ACCOUNT_USAGE}\n`);
    return 2;
  }
  try {
    const target = await targetOf(values, deps);
    const signIns = target.userPoolId ? deps.signIns(target.userPoolId) : undefined;
    const created = await createAccount({ accounts: new DynamoDirectory(deps.dynamo(), target.table), signIns, newId }, input);
    const result: Record<string, unknown> = { ...created };
    if (target.local) {
      const { accountId, userId, email } = created.admin;
      result.token = await (await deps.localAuth()).sign({ accountId, userId, email });
    } else if (signIns) {
      result.signIn = `Cognito user ${created.admin.email} created in ${target.userPoolId}; Cognito emails a temporary password`;
    } else {
      deps.err('hosted-inbox create-account: no user pool given: the admin has no sign-in; your identity provider must issue tokens with custom:account_id and custom:user_id\n');
    }
    deps.out(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    const reason = error instanceof ApiError ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
    deps.err(`hosted-inbox create-account: ${reason}\n`);
    return 1;
  }
}

/** A deployed stack's outputs, by key (CloudFormation, with the environment's credentials). */
export async function stackOutputsOf(stack: string): Promise<Record<string, string>> {
  const client = new CloudFormationClient({});
  const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stack }));
  client.destroy();
  return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

/** The real dependencies: AWS SDK clients from the environment, the local stack's defaults and key. */
export function defaultCreateAccountDeps(): CreateAccountDeps {
  return {
    stackOutputs: stackOutputsOf,
    signIns: (userPoolId) => new CognitoSignIns(new CognitoIdentityProviderClient({}), userPoolId),
    dynamo,
    localAuth: () => loadLocalAuth(join(localDataDir(), 'local-auth.json')),
    localEnvironment: async () => localStackEnvironment(),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
}
