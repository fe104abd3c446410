/**
 * The part of oidc-provider@8 (which ships no types) that the tests' provider uses.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcAccount {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  export interface OidcProviderConfiguration {
    clients?: Record<string, unknown>[];
    findAccount?: (ctx: unknown, id: string) => Promise<OidcAccount | undefined>;
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    pkce?: { methods?: string[]; required?: (ctx: unknown, client: unknown) => boolean };
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
    cookies?: { keys?: string[] } & Record<string, unknown>;
    jwks?: { keys: Record<string, unknown>[] };
    ttl?: Record<string, number | ((...args: unknown[]) => number)>;
    [key: string]: unknown;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: OidcProviderConfiguration);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
