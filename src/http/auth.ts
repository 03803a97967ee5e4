import { createHash, timingSafeEqual } from 'node:crypto';

/** A configured API token, named for the audit trail (who evicted what). */
export interface ApiToken {
  name: string;
  token: string;
}

/**
 * The token a bearer header carries, compared in constant time against every configured token
 * (both sides hashed first, so lengths leak nothing either). Undefined when none matches.
 */
export function matchToken(header: string | undefined, tokens: readonly ApiToken[]): ApiToken | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const given = createHash('sha256').update(m[1]!).digest();
  let found: ApiToken | undefined;
  // Every token is compared, whichever matches, so timing does not reveal which one did.
  for (const t of tokens) {
    if (timingSafeEqual(given, createHash('sha256').update(t.token).digest()) && !found) found = t;
  }
  return found;
}
