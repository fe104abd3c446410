import { useState, type FormEvent } from 'react';
import type { PageProps } from '../pageProps';
import { ApiError, getJson, uploadFile } from '../api';
import { DataTable } from '../components/DataTable';
import { ErrorBox, Show } from '../components/Status';
import { fmtDateTime, fmtInt } from '../format';
import type { BatchMessageRow, BatchRow, CoverageAnswer, IngestMessage, UploadAnswer } from '@api';
import { useApi } from '../useApi';
import { CoverageGrid } from './CoverageGrid';

export function DataPage({ session }: PageProps) {
  // Adding files is for analysts, data-governance leads and administrators (always, locally).
  const canUpload = session === null || session.canUpload;
  const [generation, setGeneration] = useState(0);
  const coverage = useApi(`coverage|${generation}`, () => getJson<CoverageAnswer>('/api/coverage'));
  const batches = useApi(`batches|${generation}`, () => getJson<BatchRow[]>('/api/batches'));
  return (
    <>
      <h1>Data</h1>
      <section aria-labelledby="cov-h">
        <h2 id="cov-h">Coverage</h2>
        <Show loaded={coverage} what="the coverage">
          {(c) => <CoverageGrid coverage={c.sources} />}
        </Show>
      </section>
      {canUpload && <Upload onStored={() => setGeneration((g) => g + 1)} />}
      <section aria-labelledby="batches-h">
        <h2 id="batches-h">Batches</h2>
        <p>Every file ingested, with its sha256 and its validation report.</p>
        <Show loaded={batches} what="the batches">
          {(rows) => <Batches rows={rows} />}
        </Show>
      </section>
    </>
  );
}

function Batches({ rows }: { rows: BatchRow[] }) {
  const [open, setOpen] = useState<number | null>(null);
  const messages = useApi(open === null ? null : `messages|${open}`, () =>
    getJson<BatchMessageRow[]>(`/api/batches/${open ?? 0}/messages`),
  );
  return (
    <>
      <DataTable
        caption="Batches, oldest first"
        rows={rows}
        rowKey={(b) => String(b.batch_id)}
        testId="batches"
        columns={[
          { header: 'Batch', value: (b) => b.batch_id, numeric: true },
          { header: 'Kind', value: (b) => b.source_kind },
          { header: 'File', value: (b) => b.file_name },
          { header: 'sha256', value: (b) => <code>{b.sha256.slice(0, 12)}</code> },
          { header: 'Rows stored', value: (b) => fmtInt(b.rows_stored), numeric: true },
          { header: 'Left out', value: (b) => fmtInt(b.rows_rejected), numeric: true },
          {
            header: 'Status',
            value: (b) =>
              `${b.status}${b.replaced_by.length > 0 ? ` by batch ${b.replaced_by.join(', ')}` : ''}${b.synthetic ? ' · SYNTHETIC' : ''}`,
          },
          { header: 'Ingested', value: (b) => fmtDateTime(b.finished_at ?? b.started_at) },
          {
            header: 'Report',
            value: (b) => (
              <button
                type="button"
                className="link"
                aria-expanded={open === b.batch_id}
                onClick={() => setOpen(open === b.batch_id ? null : b.batch_id)}
              >
                {open === b.batch_id ? 'Hide' : 'Show'} report
                {b.warnings > 0 ? ` (${b.warnings} warnings)` : ''}
              </button>
            ),
          },
        ]}
      />
      {open !== null && (
        <Show loaded={messages} what="the validation report">
          {(m) => <Messages caption={`Validation report of batch ${open}`} messages={m} />}
        </Show>
      )}
    </>
  );
}

function Messages({
  caption,
  messages,
}: {
  caption: string;
  /** As stored (a batch's report) or as the ingest gave them (an upload's). */
  messages: (BatchMessageRow | IngestMessage)[];
}) {
  if (messages.length === 0)
    return <p className="empty">{caption}: no errors, warnings or notes.</p>;
  return (
    <DataTable
      caption={caption}
      rows={messages}
      rowKey={(m, i) => `${m.code}-${i}`}
      testId="validation-report"
      columns={[
        {
          header: 'Severity',
          value: (m) => <span className={`sev-${m.severity}`}>{m.severity}</span>,
        },
        {
          header: 'Line',
          value: (m) => ('first_line' in m ? m.first_line : m.firstLine) ?? '',
          numeric: true,
        },
        { header: 'Field', value: (m) => m.field ?? '' },
        { header: 'Message', value: (m) => m.message },
        { header: 'Rows', value: (m) => fmtInt(m.count), numeric: true },
      ]}
    />
  );
}

const KINDS = [
  { value: 'istv', label: 'A&E assault attendances (ISTV), CSV/XLSX/ODS' },
  { value: 'force-extract', label: 'Force crime extract (built-in mapping svd-synthetic)' },
  { value: 'police-uk', label: 'police.uk street, outcomes or stop-and-search CSV' },
];

function Upload({ onStored }: { onStored: () => void }) {
  const [kind, setKind] = useState('istv');
  const [file, setFile] = useState<File | null>(null);
  const [maxErrors, setMaxErrors] = useState('0');
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [phase, setPhase] = useState<'idle' | 'sending' | 'checking' | 'done'>('idle');
  const [result, setResult] = useState<UploadAnswer | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (file === null) return;
    setResult(null);
    setError(null);
    setPhase('sending');
    const q = new URLSearchParams({
      kind,
      name: file.name,
      maxErrors: /^\d+$/.test(maxErrors) ? maxErrors : '0',
    });
    uploadFile<UploadAnswer>(`/api/uploads?${q.toString()}`, file, (sent, total) => {
      setProgress({ sent, total });
      if (sent >= total) setPhase('checking');
    }).then(
      (r) => {
        setResult(r);
        setPhase('done');
        onStored();
      },
      (err: unknown) => {
        setError(
          err instanceof ApiError
            ? err
            : new ApiError(0, { kind: 'internal', code: 'CLIENT', message: String(err) }),
        );
        setPhase('done');
      },
    );
  };
  return (
    <section aria-labelledby="upload-h">
      <h2 id="upload-h">Add a file</h2>
      <form className="upload" onSubmit={submit}>
        <label>
          Kind of file{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value)} data-testid="upload-kind">
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          File{' '}
          <input
            type="file"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            data-testid="upload-file"
          />
        </label>
        <label>
          Rows with errors to leave out{' '}
          <input
            value={maxErrors}
            onChange={(e) => setMaxErrors(e.target.value)}
            inputMode="numeric"
            size={6}
          />
        </label>
        <button
          type="submit"
          disabled={file === null || phase === 'sending' || phase === 'checking'}
          data-testid="upload-submit"
        >
          Upload and check
        </button>
      </form>
      {progress !== null && phase !== 'idle' && (
        <p>
          <label>
            Sent{' '}
            <progress max={progress.total} value={progress.sent} data-testid="upload-progress" />{' '}
            {fmtInt(Math.round(progress.sent / 1024))} of{' '}
            {fmtInt(Math.round(progress.total / 1024))} KB
          </label>
          {phase === 'checking' && <span role="status"> Checking and storing the file…</span>}
        </p>
      )}
      {error !== null && (
        <div data-testid="upload-error">
          <h3>The file was refused; nothing was stored</h3>
          <ErrorBox error={error} />
        </div>
      )}
      {result !== null && (
        <div data-testid="upload-result" aria-live="polite">
          <h3>Stored {fmtInt(result.report.rowsStored)} rows</h3>
          {result.report.files.map((f) => (
            <div key={f.file}>
              <p>
                {f.file.split('/').at(-1)}:{' '}
                {f.status === 'already-ingested'
                  ? `already held in batch ${f.existingBatchId ?? '?'}`
                  : f.status === 'restored'
                    ? `batch ${f.batchId ?? '?'} restored (it had been replaced)`
                    : `batch ${f.batchId ?? '?'}`}
                {'rowsRead' in f &&
                  ` · ${fmtInt(f.rowsRead)} rows read, ${fmtInt(f.rowsStored)} stored, ${fmtInt(f.rowsRejected)} left out`}
                {'synthetic' in f && f.synthetic ? ' · SYNTHETIC' : ''}
              </p>
              <Messages caption="Validation report" messages={f.messages} />
            </div>
          ))}
          {result.reclassified.length > 0 && (
            <p>Classified again under {result.reclassified.join(', ')}.</p>
          )}
        </div>
      )}
    </section>
  );
}
