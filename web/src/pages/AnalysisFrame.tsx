import type { ReactNode } from 'react';
import type { AnalysisResult } from '@api';
import type { PageProps } from '../pageProps';
import { getJson } from '../api';
import { CountingLine } from '../components/CountingLine';
import { Show } from '../components/Status';
import { filterParams } from '../url';
import { useApi } from '../useApi';

/** Loads an analysis for the page's filters; shows its sentences, warnings and method around it. */
export function AnalysisPage<T extends { summary: string[] }>({
  title,
  endpoint,
  meta,
  filters,
  children,
  counting,
}: PageProps & {
  title: string;
  endpoint: string;
  children: (result: T) => ReactNode;
  /** What the page counts when it is not the selection's tier (the tier is then not sent). */
  counting?: string;
}) {
  const { tier: _tier, ...withoutTier } = filters;
  const params = filterParams(counting === undefined ? filters : withoutTier);
  const loaded = useApi(`${endpoint}|${params.toString()}`, () =>
    getJson<AnalysisResult<T>>(endpoint, params),
  );
  return (
    <>
      <h1>{title}</h1>
      {counting === undefined ? (
        <CountingLine meta={meta} filters={filters} />
      ) : (
        <p className="counting" data-testid="counting">
          Counting: {counting}.
        </p>
      )}
      <Show loaded={loaded} what={title.toLowerCase()}>
        {(a) => (
          <>
            <ul className="summary" data-testid="analysis-summary">
              {a.result.summary.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
            {a.warnings.filter((w) => w.code !== 'SYNTHETIC').length > 0 && (
              <div className="warning" role="note">
                <p>
                  <strong>Read with care:</strong>
                </p>
                <ul>
                  {a.warnings
                    .filter((w) => w.code !== 'SYNTHETIC')
                    .map((w) => (
                      <li key={w.code + w.message}>
                        {w.message}
                        {w.count > 1 ? ` (${w.count} times)` : ''}
                      </li>
                    ))}
                </ul>
              </div>
            )}
            {children(a.result)}
            <details className="method">
              <summary>Method and parameters</summary>
              <dl>
                {Object.entries(a.params).map(([name, p]) => (
                  <div key={name}>
                    <dt>
                      {name}
                      {p.automatic ? ' (chosen automatically)' : ''}
                    </dt>
                    <dd>
                      {typeof p.value === 'string' || typeof p.value === 'number'
                        ? `${p.value}${p.unit === undefined ? '' : ` ${p.unit}`}`
                        : JSON.stringify(p.value)}
                      {p.explanation === undefined ? '' : ` — ${p.explanation}`}
                    </dd>
                  </div>
                ))}
              </dl>
            </details>
          </>
        )}
      </Show>
    </>
  );
}
