/**
 * The Cognito adapter's requests. No local Cognito server exists, so the client is replaced by one that
 * records the commands and answers as Cognito does (the real exception classes).
 */
import { AdminCreateUserCommand, AdminDeleteUserCommand, UsernameExistsException, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoSignIns } from '../../functions/adapters/cognito-sign-ins';
import { EmailInUse } from '../../functions/directory/ports';

const user = { accountId: 'acct_1', userId: 'usr_1', email: 'alice@acme.example', name: 'Alice' };

function poolAnswering(answer: (command: unknown) => unknown) {
  const sent: unknown[] = [];
  return { sent, client: { send: async (command: unknown) => (sent.push(command), answer(command)) } as never };
}

it('creates the user by email with the custom:account_id and custom:user_id attributes the API reads, invited by email', async () => {
  const pool = poolAnswering(() => ({}));
  await new CognitoSignIns(pool.client, 'us-east-1_Pool').create(user);
  expect(pool.sent).toHaveLength(1);
  const command = pool.sent[0] as AdminCreateUserCommand;
  expect(command).toBeInstanceOf(AdminCreateUserCommand);
  expect(command.input).toEqual({
    UserPoolId: 'us-east-1_Pool',
    Username: 'alice@acme.example',
    UserAttributes: [
      { Name: 'email', Value: 'alice@acme.example' },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'name', Value: 'Alice' },
      { Name: 'custom:account_id', Value: 'acct_1' },
      { Name: 'custom:user_id', Value: 'usr_1' },
    ],
    DesiredDeliveryMediums: ['EMAIL'],
  });
});

it('an email that already signs in is EmailInUse; other failures pass through', async () => {
  const taken = poolAnswering(() => {
    throw new UsernameExistsException({ message: 'User account already exists', $metadata: {} });
  });
  await expect(new CognitoSignIns(taken.client, 'p').create(user)).rejects.toBeInstanceOf(EmailInUse);
  const down = poolAnswering(() => {
    throw new Error('throttled');
  });
  await expect(new CognitoSignIns(down.client, 'p').create(user)).rejects.toThrow('throttled');
});

it('removes by email; a user already gone is fine', async () => {
  const pool = poolAnswering(() => {
    throw new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
  });
  await new CognitoSignIns(pool.client, 'p').remove('alice@acme.example');
  expect((pool.sent[0] as AdminDeleteUserCommand).input).toEqual({ UserPoolId: 'p', Username: 'alice@acme.example' });
});
