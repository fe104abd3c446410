/**
 * Local single-user mode, the only one while svd has no sign-in: the server listens on loopback
 * only (another address is refused before anything is opened), answers to its own names and to
 * those given with --allowed-host (a reverse proxy that signs people in), and says so — in the
 * start message, in `/api/meta` and in the web app's header.
 * See docs/decisions/0069-host-origin-local-mode.md.
 */
import type { DashboardAccess } from '../api/dashboard.js';
import { usageError } from '../core/errors.js';
import { isLoopbackAddress, parseAllowedHost } from './requestGuard.js';

/**
 * Binding an address other than loopback is refused while svd has no sign-in: anyone who could
 * reach it would read the workspace.
 */
export function checkBindAddress(host: string, allowUpload = false): void {
  if (isLoopbackAddress(host)) return;
  throw usageError(
    'SIGN_IN_REQUIRED',
    `without sign-in, svd serve listens on this computer only: --host ${host} would let anyone who can reach this computer read the workspace${allowUpload ? ' and add files to it' : ''}`,
    'add --sign-in local|oidc with HTTPS (svd serve --help), or serve on loopback (leave --host out: 127.0.0.1) behind a reverse proxy that signs people in, named with --allowed-host NAME',
  );
}

/** The mode as `/api/meta` answers it and the web app labels it. */
export function localAccess(allowedHosts: readonly string[]): DashboardAccess {
  const names = allowedHosts.map((h) => parseAllowedHost(h).name);
  return {
    mode: 'local-single-user',
    label:
      names.length === 0
        ? 'Local single-user mode: this computer only'
        : `Local single-user mode: this computer, and through ${names.join(', ')}`,
    allowedHosts: names,
  };
}
