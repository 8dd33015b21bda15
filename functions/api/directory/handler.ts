/** HTTP API function for the caller's account, its users and teams. */
import { dynamo } from '../../commons/clients';
import { config } from '../../commons/env';
import { newId } from '../../commons/ids';
import { createLogger } from '../../commons/logger';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoSignIns } from '../../adapters/cognito-sign-ins';
import { DynamoDirectory } from '../../adapters/dynamo-directory';
import * as directory from '../../directory/use-cases';
import * as schemas from '../../directory/schemas';
import { apiHandler, json } from '../http/handler';
import { requireRole } from '../http/access';
import { callerOf, jsonBody, pathParam } from '../http/request';

let store: DynamoDirectory | undefined;
const directoryStore = () => (store ??= new DynamoDirectory(dynamo(), config().tables.inboxes));

let signIns: CognitoSignIns | undefined;
/** Invited users' sign-ins, where a user pool is configured (in AWS); none locally. */
const signInsOf = () => {
  const { userPoolId } = config();
  return userPoolId ? (signIns ??= new CognitoSignIns(new CognitoIdentityProviderClient({}), userPoolId)) : undefined;
};

const readRole = (accountId: string, userId: string) => directoryStore().role(accountId, userId);

export const handler = apiHandler(createLogger('api-directory'), {
  'GET /me': async (event) => {
    const caller = callerOf(event);
    const [user, account] = await Promise.all([directory.getUser(directoryStore(), caller, caller.userId), directory.getAccount(directoryStore(), caller)]);
    return json(200, { user, account });
  },
  'GET /account': async (event) => json(200, await directory.getAccount(directoryStore(), callerOf(event))),
  'PATCH /account': async (event) => {
    const { name } = jsonBody(event, schemas.renameAccountSchema);
    return json(200, await directory.renameAccount(directoryStore(), callerOf(event), name));
  },

  'GET /users': async (event) => json(200, { users: await directoryStore().users(callerOf(event).accountId) }),
  'POST /users': async (event) => {
    const caller = callerOf(event);
    return json(201, await directory.createUser(directoryStore(), caller, jsonBody(event, schemas.newUserSchema), newId, signInsOf()));
  },
  'GET /users/{userId}': async (event) => json(200, await directory.getUser(directoryStore(), callerOf(event), pathParam(event, 'userId', 'user'))),
  'PATCH /users/{userId}': async (event) => {
    const caller = callerOf(event);
    const userId = pathParam(event, 'userId', 'user');
    return json(200, await directory.updateUser(directoryStore(), caller, userId, jsonBody(event, schemas.userChangesSchema)));
  },
  // Everyone sets their own availability; only an admin sets someone else's.
  'PUT /me/signature': async (event) => {
    const caller = callerOf(event);
    return json(200, await directory.updateUser(directoryStore(), caller, caller.userId, { signature: jsonBody(event, schemas.signatureSchema).text }));
  },
  'PUT /users/{userId}/availability': async (event) => {
    const caller = callerOf(event);
    const userId = pathParam(event, 'userId', 'user');
    if (userId !== caller.userId) await requireRole(caller, 'admin', readRole);
    return json(200, await directory.updateUser(directoryStore(), caller, userId, jsonBody(event, schemas.availabilitySchema)));
  },

  'GET /teams': async (event) => json(200, { teams: await directoryStore().teams(callerOf(event).accountId) }),
  'POST /teams': async (event) => {
    const caller = callerOf(event);
    return json(201, await directory.createTeam(directoryStore(), caller, jsonBody(event, schemas.newTeamSchema), newId));
  },
  'GET /teams/{teamId}': async (event) => json(200, await directory.getTeam(directoryStore(), callerOf(event), pathParam(event, 'teamId', 'team'))),
  'PATCH /teams/{teamId}': async (event) => {
    const caller = callerOf(event);
    const teamId = pathParam(event, 'teamId', 'team');
    return json(200, await directory.updateTeam(directoryStore(), caller, teamId, jsonBody(event, schemas.teamChangesSchema)));
  },
}, readRole);
