import { useEffect, useState } from 'react';
import { ApiError } from './api';

export type Loaded<T> =
  { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ready'; data: T };

/** Loads data whenever the key changes; the answer of an older key is dropped. */
export function useApi<T>(key: string | null, load: () => Promise<T>): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    if (key === null) return;
    let live = true;
    setLoaded({ state: 'loading' });
    load().then(
      (data) => live && setLoaded({ state: 'ready', data }),
      (error: unknown) =>
        live &&
        setLoaded({
          state: 'error',
          error:
            error instanceof ApiError
              ? error
              : new ApiError(0, { kind: 'internal', code: 'CLIENT', message: String(error) }),
        }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return loaded;
}
