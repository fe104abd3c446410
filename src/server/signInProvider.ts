/** What the server needs of the partnership's identity provider (src/access/oidc.ts gives it). */
export interface OidcSignIn<P = unknown> {
  readonly label: string;
  start(): { url: string; pending: P };
  finish(
    callbackUrl: URL,
    pending: P,
  ): Promise<{
    issuer: string;
    subject: string;
    email: string | null;
    emailVerified: boolean | null;
    name: string | null;
  }>;
}
