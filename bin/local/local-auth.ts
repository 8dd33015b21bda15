/**
 * Local stand-in for the identity provider: an ES256 key pair that signs tokens for local users, and a
 * verifier that checks them the way API Gateway's JWT authorizer does (signature, issuer, audience, expiry,
 * not-before). The key persists next to the local data so tokens printed by `npx hosted-inbox token`
 * keep working across restarts of `npm start`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createRemoteJWKSet, exportJWK, generateKeyPair, importJWK, JWK, jwtVerify, JWTPayload, SignJWT } from 'jose';
import { CLAIMS } from '../../functions/api/routes';

export const LOCAL_ISSUER = 'https://auth.hosted-inbox.localhost';
export const LOCAL_AUDIENCE = 'hosted-inbox-local';
const ALGORITHM = 'ES256';

export interface LocalIdentity {
  readonly accountId: string;
  readonly userId: string;
  readonly email: string;
}

export interface LocalAuth {
  sign(identity: LocalIdentity, options?: { expiresIn?: string | number; audience?: string; issuer?: string }): Promise<string>;
  /** The claims, or undefined for any token the authorizer would refuse. */
  verify(token: string): Promise<JWTPayload | undefined>;
}

async function fromJwk(privateJwk: JWK): Promise<LocalAuth> {
  const { d: _private, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, ALGORITHM);
  const publicKey = await importJWK(publicJwk, ALGORITHM);
  return {
    sign: (identity, options = {}) =>
      new SignJWT({ [CLAIMS.accountId]: identity.accountId, [CLAIMS.userId]: identity.userId, [CLAIMS.email]: identity.email })
        .setProtectedHeader({ alg: ALGORITHM, kid: 'local' })
        .setSubject(identity.userId)
        .setIssuer(options.issuer ?? LOCAL_ISSUER)
        .setAudience(options.audience ?? LOCAL_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '12h')
        .sign(privateKey),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          algorithms: [ALGORITHM],
          requiredClaims: ['exp', 'iat'],
        });
        return payload;
      } catch {
        return undefined;
      }
    },
  };
}

/** A fresh key in memory (tests). */
export async function createLocalAuth(): Promise<LocalAuth> {
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  return fromJwk(await exportJWK(privateKey));
}

/** The key stored at `file`, created on first use. */
export async function loadLocalAuth(file: string): Promise<LocalAuth> {
  if (existsSync(file)) return fromJwk(JSON.parse(await readFile(file, 'utf8')) as JWK);
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(jwk), { mode: 0o600 });
  return fromJwk(jwk);
}

/** An identity provider the API trusts, as its JWT authorizer is configured (`jwtIssuer`, `jwtAudience`). */
export interface TrustedIssuer {
  /** The tokens' exact `iss`. */
  readonly issuer: string;
  /** Accepted `aud` values (or `client_id`, in a token without `aud`). */
  readonly audience: readonly string[];
  /**
   * Where the issuer's public keys are.
   * @default - the `jwks_uri` of its discovery document (`<issuer>/.well-known/openid-configuration`), as API Gateway finds them
   */
  readonly jwksUri?: string;
}

/** API Gateway's JWT authorizer accepts RSA signatures only. */
const AUTHORIZER_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/**
 * Checks tokens of a real identity provider (a Cognito user pool, an OIDC issuer) the way API Gateway's JWT
 * authorizer does: an RSA signature by a key of its published set (matched by `kid`), the exact issuer, `aud`
 * among the audiences (or, only when there is no `aud`, `client_id`), and `exp`, `nbf`, `iat`. Signs nothing:
 * the provider issues the tokens.
 */
export function trustIssuer(trusted: TrustedIssuer): LocalAuth {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const publishedKeys = () => {
    keys ??= (async () => {
      if (trusted.jwksUri) return createRemoteJWKSet(new URL(trusted.jwksUri));
      const discovery = await fetch(`${trusted.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
      if (!discovery.ok) throw new Error(`${trusted.issuer}: discovery answered ${discovery.status}`);
      return createRemoteJWKSet(new URL(((await discovery.json()) as { jwks_uri: string }).jwks_uri));
    })().catch((error: unknown) => {
      keys = undefined; // try the discovery again with the next token
      throw error;
    });
    return keys;
  };
  return {
    sign: () => Promise.reject(new Error(`tokens come from ${trusted.issuer}`)),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, await publishedKeys(), {
          issuer: trusted.issuer,
          algorithms: AUTHORIZER_ALGORITHMS,
          requiredClaims: ['exp', 'iat'],
        });
        const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
        return audiences.some((audience) => typeof audience === 'string' && trusted.audience.includes(audience)) ? payload : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
