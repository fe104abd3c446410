import type { ReactNode } from 'react';
import type { ApiError } from '../api';
import type { Loaded } from '../useApi';

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorBox({ error }: { error: ApiError }) {
  return (
    <div className="error" role="alert">
      <p>
        <strong>{error.body.message}</strong> <code>[{error.body.code}]</code>
      </p>
      {error.body.problems !== undefined && error.body.problems.length > 0 && (
        <ul>
          {error.body.problems.map((p, i) => (
            <li key={i}>
              {[
                p.file?.split('/').at(-1),
                p.line === undefined ? undefined : `line ${p.line}`,
                p.field === undefined ? undefined : `field "${p.field}"`,
              ]
                .filter((x) => x !== undefined)
                .join(', ')}
              {p.file !== undefined || p.line !== undefined ? ': ' : ''}
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {error.body.fix !== undefined && <p>What to do: {error.body.fix}</p>}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** Renders loading, error or the content of a load. */
export function Show<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (loaded.state === 'loading') return <Loading what={what} />;
  if (loaded.state === 'error') return <ErrorBox error={loaded.error} />;
  return <>{children(loaded.data)}</>;
}
