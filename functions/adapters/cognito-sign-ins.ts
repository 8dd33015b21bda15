/**
 * Sign-ins in the Cognito user pool: the user signs in by email (Cognito emails a temporary password), and
 * their ID token carries `custom:account_id` and `custom:user_id`, the claims the API reads the caller from.
 */
import { AdminCreateUserCommand, AdminDeleteUserCommand, CognitoIdentityProviderClient, UsernameExistsException, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { CLAIMS } from '../api/routes';
import type { User } from '../directory/model';
import { EmailInUse, SignIns } from '../directory/ports';

export class CognitoSignIns implements SignIns {
  constructor(
    private readonly client: Pick<CognitoIdentityProviderClient, 'send'>,
    private readonly userPoolId: string,
  ) {}

  async create(user: Pick<User, 'accountId' | 'userId' | 'email' | 'name'>): Promise<void> {
    try {
      await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.email,
          UserAttributes: [
            { Name: 'email', Value: user.email },
            // We were given the address by an admin of the account; Cognito's invitation goes to it.
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: user.name },
            { Name: CLAIMS.accountId, Value: user.accountId },
            { Name: CLAIMS.userId, Value: user.userId },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        }),
      );
    } catch (error) {
      if (error instanceof UsernameExistsException) throw new EmailInUse(user.email);
      throw error;
    }
  }

  async remove(email: string): Promise<void> {
    try {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: email }));
    } catch (error) {
      if (!(error instanceof UserNotFoundException)) throw error;
    }
  }
}
