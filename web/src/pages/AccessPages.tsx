/**
 * What a signed-in reader may see, and the pages of readers who are not given the live
 * dashboard: aggregate access (the assessment only) and no access (no agreement in force).
 */
import type { SessionGrant } from '@api';
import { DataTable } from '../components/DataTable';
import { Empty } from '../components/Status';
import { fmtInt } from '../format';

const LEVEL_WORDS: Record<string, string> = {
  record: 'records',
  'pseudonymised-record': 'pseudonymised records',
  aggregate: 'aggregate figures only',
  none: 'nothing',
};

export function levelWords(grant: SessionGrant): string {
  const words = LEVEL_WORDS[grant.level] ?? grant.level;
  return grant.level === 'aggregate' && grant.minimumCell !== null
    ? `${words} (counts under ${fmtInt(grant.minimumCell)} withheld)`
    : words;
}

/** The grants of the session: dataset, supplier, level and why. */
export function GrantsTable({ grants }: { grants: readonly SessionGrant[] }) {
  if (grants.length === 0) return <Empty>No dataset of this workspace is given to you.</Empty>;
  return (
    <DataTable
      caption="What you can see, dataset by dataset"
      rows={grants}
      rowKey={(g, i) => `${g.dataset}|${g.supplier ?? ''}|${i}`}
      testId="grants"
      columns={[
        { header: 'Dataset', value: (g) => g.dataset },
        { header: 'Supplied by', value: (g) => g.supplier ?? 'not recorded' },
        { header: 'You see', value: levelWords },
        { header: 'Why', value: (g) => g.reason },
      ]}
    />
  );
}

export function WhatYouCanSeePage({ grants }: { grants: readonly SessionGrant[] }) {
  return (
    <>
      <h1>What you can see</h1>
      <p>
        What each dataset of this workspace is to you: your organisation&apos;s own data, or what a
        data-sharing agreement in force gives it. The pages count only what is given here.
      </p>
      <GrantsTable grants={grants} />
    </>
  );
}

/** Aggregate access: the assessment, every figure through disclosure control. */
export function AssessmentPage({ grants }: { grants: readonly SessionGrant[] }) {
  return (
    <>
      <h1>The Strategic Needs Assessment</h1>
      <p>
        Your access is to aggregate figures: the partnership&apos;s assessment, in which every
        figure has been through disclosure control (small counts are withheld so that no person can
        be recognised). The live dashboard, with its record-level pages, is not open to you.
      </p>
      <p className="primary-action">
        <a className="button-link" href="/api/assessment" data-testid="open-assessment">
          Open the assessment
        </a>
      </p>
      <p className="note">It opens as a page of its own, which you can print or save.</p>
      <section aria-labelledby="grants-h">
        <h2 id="grants-h">What you can see</h2>
        <GrantsTable grants={grants} />
      </section>
    </>
  );
}

/** No agreement in force gives the reader's organisation any data. */
export function NoDataPage({
  grants,
  organisation,
}: {
  grants: readonly SessionGrant[];
  organisation: string;
}) {
  const reasons = [...new Set(grants.map((g) => g.reason))];
  return (
    <>
      <h1>No data is open to you here</h1>
      <p>
        No data-sharing agreement in force gives {organisation} data in this workspace, so the
        dashboard has nothing to show you. Your partnership&apos;s data-governance lead can say
        which agreement is being prepared.
      </p>
      {reasons.length > 0 && (
        <section aria-labelledby="why-h">
          <h2 id="why-h">Why</h2>
          <ul data-testid="no-data-reasons">
            {reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </section>
      )}
      {grants.length > 0 && (
        <section aria-labelledby="grants-h">
          <h2 id="grants-h">Dataset by dataset</h2>
          <GrantsTable grants={grants} />
        </section>
      )}
    </>
  );
}
