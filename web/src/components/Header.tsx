/** The band at the top of every page: the name, who is being answered, and the pages. */
import type { MouseEvent, ReactNode } from 'react';
import type { SessionUser } from '@api';
import { navigate } from '../url';

const ROLE_WORDS: Record<string, string> = {
  'partnership-admin': 'partnership administrator',
  'data-governance-lead': 'data-governance lead',
  analyst: 'analyst',
  member: 'member',
  auditor: 'auditor',
};

export const roleWords = (role: string): string => ROLE_WORDS[role] ?? role;

export function Header({
  pages,
  page,
  params,
  label,
  user,
}: {
  pages: readonly { path: string; title: string }[];
  page: string;
  params: URLSearchParams;
  /** Beside the name: the access label of local mode. */
  label?: ReactNode;
  /** At the end of the band: the signed-in user. */
  user?: ReactNode;
}) {
  const go = (e: MouseEvent<HTMLAnchorElement>, path: string): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(path, params);
    document.getElementById('main')?.focus();
  };
  const query = params.toString();
  return (
    <>
      <a className="skip" href="#main">
        Skip to the content
      </a>
      <header className="top">
        <p className="brand">
          Serious Violence Duty <span>· partnership dashboard</span>
          {label}
        </p>
        {pages.length > 1 && (
          <nav aria-label="Pages">
            <ul>
              {pages.map((p) => (
                <li key={p.path}>
                  <a
                    href={`${p.path}${query === '' ? '' : `?${query}`}`}
                    aria-current={p.path === page ? 'page' : undefined}
                    onClick={(e) => go(e, p.path)}
                  >
                    {p.title}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {user}
      </header>
    </>
  );
}

/** Local single-user mode, said plainly beside the name. */
export function AccessLabel({ label }: { label: string }) {
  return (
    <span
      className="access"
      data-testid="access-mode"
      title="No sign-in: this server answers this computer only"
    >
      {label}
    </span>
  );
}

/** The signed-in user: name, organisation and role, and the way out. */
export function SignedInUser({ user, onSignOut }: { user: SessionUser; onSignOut: () => void }) {
  return (
    <div className="user" data-testid="signed-in-user">
      <p>
        <span className="user-name">{user.name}</span>{' '}
        <span className="user-role">
          {user.organisation.name} · {roleWords(user.role)}
        </span>
      </p>
      <button type="button" className="sign-out" onClick={onSignOut} data-testid="sign-out">
        Sign out
      </button>
    </div>
  );
}
