/**
 * Bearer tokens: `Authorization: Bearer <token>` names an owner through the token store, which
 * keeps only hashes. A token found live is trusted for `cacheSeconds` (so a status poll costs no
 * lookup); a revoked one is refused at most that much later. Unknown tokens are never cached.
 */
import { hashToken } from '../../adapters/token-store';
import { ApiError } from './api-error';

export interface TokenLookup {
  ownerOf(token: string): Promise<string | undefined>;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,256})$/;
/** Enough for every token in use at once; the oldest entries go first beyond it. */
const MAX_CACHED = 10_000;

export class TokenAuthenticator {
  private readonly cache = new Map<string, { owner: string; until: number }>();

  constructor(
    private readonly tokens: TokenLookup,
    private readonly cacheSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The owner the request's token belongs to; 401 without a live token. */
  async owner(authorization: string | undefined): Promise<string> {
    const token = bearerToken(authorization);
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached && cached.until > this.now()) return cached.owner;
    const owner = await this.tokens.ownerOf(token);
    if (!owner) {
      this.cache.delete(hash);
      throw new ApiError('UNAUTHORIZED', 'Expected a live API token in the Authorization header, but the token given is unknown or revoked.');
    }
    if (this.cacheSeconds > 0) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(hash, { owner, until: this.now() + this.cacheSeconds * 1000 });
    }
    return owner;
  }
}

/** The token of an `Authorization: Bearer …` header; 401 when there is none. */
export function bearerToken(authorization: string | undefined): string {
  const match = authorization === undefined ? null : BEARER.exec(authorization.trim());
  if (!match) {
    throw new ApiError(
      'UNAUTHORIZED',
      authorization === undefined
        ? 'Expected an Authorization header with "Bearer <token>", but the request has none.'
        : 'Expected the Authorization header to be "Bearer <token>", but it is something else.',
    );
  }
  return match[1]!;
}
