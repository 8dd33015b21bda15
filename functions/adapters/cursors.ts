/** Opaque page cursors: a listing's LastEvaluatedKey, base64url JSON, read back only if it has exactly the key's shape. */
export type CursorKey = Record<string, string>;

export const encodeCursor = (key: Record<string, unknown>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** The key in `cursor` when it is an object of exactly these string attributes; undefined otherwise. */
export function cursorKey(cursor: string, names: readonly string[]): CursorKey | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) return undefined;
  const entries = Object.entries(key);
  if (entries.length !== names.length || !entries.every(([name, value]) => names.includes(name) && typeof value === 'string')) return undefined;
  return key as CursorKey;
}
