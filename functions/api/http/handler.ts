/**
 * One API function serves several routes; this dispatches on API Gateway's `routeKey`, maps typed errors to
 * HTTP status, and logs each request with its correlation keys.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { ApiError, ValidationFailed } from '../../commons/errors';
import { callerOf, type ApiEvent } from './request';
import { CLAIMS, requiredRole } from '../routes';
import { requireRole, RoleReader } from './access';

export type ApiResult = APIGatewayProxyStructuredResultV2;
export type RouteHandler = (event: ApiEvent) => Promise<ApiResult>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResult(error: ApiError): ApiResult {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error instanceof ValidationFailed) body.issues = error.issues;
  return json(error.status, { error: body }, error.headers);
}

/** `readRole` is required as soon as one of `routes` is an admin route (checked when the function loads). */
export function apiHandler(logger: Logger, routes: Readonly<Record<string, RouteHandler>>, readRole?: RoleReader) {
  const adminRoutes = Object.keys(routes).filter((key) => requiredRole(key) === 'admin');
  if (adminRoutes.length && !readRole) throw new Error(`apiHandler: ${adminRoutes.join(', ')} need the admin role, but no role reader was given`);
  return async (event: ApiEvent): Promise<ApiResult> => {
    logger.appendKeys({
      requestId: event.requestContext?.requestId,
      routeKey: event.routeKey,
      accountId: event.requestContext?.authorizer?.jwt?.claims?.[CLAIMS.accountId],
      ...event.pathParameters,
    });
    try {
      const route = routes[event.routeKey];
      if (!route) return json(404, { error: { code: 'not_found', message: `no route ${event.routeKey}` } });
      const role = requiredRole(event.routeKey);
      if (role === 'admin') await requireRole(callerOf(event), role, readRole!);
      const result = await route(event);
      logger.info('request served', { status: result.statusCode });
      return result;
    } catch (error) {
      if (error instanceof ApiError) {
        logger.info('request refused', { status: error.status, code: error.code, why: error.message });
        return errorResult(error);
      }
      logger.error('request failed', { error: error as Error });
      return json(500, { error: { code: 'internal', message: 'Something went wrong on our side; it has been logged.' } });
    } finally {
      logger.resetKeys();
    }
  };
}
