/**
 * The report of a review: for a closed review, the figures frozen when it closed (never
 * recomputed); for an open review, the measures as they stand, marked as a draft. Measures by
 * priority against their targets, the actions and the changes made during the review, the
 * commentary, the consultation log (s8(4)) and the method with the data's provenance — every
 * figure through the disclosure policy of the audience, every piece of text escaped.
 */
import type { Clock } from '../core/clock.js';
import type { Reporter } from '../core/reporter.js';
import {
  disclosurePolicy,
  type DisclosureOptions,
  type DisclosurePolicy,
} from '../disclosure/index.js';
import { shortHash } from '../definitions/resolveDefinition.js';
import type { Workspace } from '../store/openWorkspace.js';
import { evaluateMeasures } from '../strategy/evaluateMeasures.js';
import { listActions } from '../strategy/listActions.js';
import { getReview, reviewStrategy, type ReviewDetail } from '../strategy/reviews.js';
import type { StrategyFile } from '../strategy/schema.js';
import { fixedClock } from '../core/clock.js';
import { toCsv } from './csv.js';
import { discloseMeasure, type ShownMeasure } from './discloseMeasure.js';
import { html, type SafeHtml } from './html.js';
import { measuresTable, page } from './layout.js';
import type { ActionRow } from '../api/strategy.js';

export interface ReviewReport {
  kind: 'review';
  draft: boolean;
  strategy: Pick<
    StrategyFile,
    'id' | 'title' | 'partnership' | 'illustrative' | 'period' | 'vision'
  >;
  detail: Omit<ReviewDetail, 'measures'>;
  dataTo: string | null;
  policy: DisclosurePolicy;
  priorities: { id: string; title: string; measures: ShownMeasure[]; actions: ActionRow[] }[];
  statusCounts: Record<string, number>;
}

export async function buildReviewReport(
  ws: Workspace,
  reviewId: number,
  options: { disclosure: DisclosureOptions; clock: Clock; reporter: Reporter; cwd: string },
): Promise<ReviewReport> {
  const detail = await getReview(ws, reviewId);
  const strategy = await reviewStrategy(ws, detail.review);
  const draft = detail.review.status === 'open';
  let measures = detail.measures;
  let dataTo = detail.review.data_to;
  if (draft) {
    options.reporter.warn(
      `review ${reviewId} is open: the report is a draft, with measures as they stand now (they are frozen when the review is closed)`,
    );
    const live = await evaluateMeasures(ws, strategy.file, {
      reporter: options.reporter,
      clock: options.clock,
      cwd: options.cwd,
    });
    measures = live.measures;
    dataTo = live.dataTo;
  }
  const policy = disclosurePolicy(options.disclosure);
  const shown = measures.map((m) => discloseMeasure(m, policy));
  // Overdue as it stood when the review closed.
  const at = detail.review.closed_at === null ? options.clock : fixedClock(detail.review.closed_at);
  const actions = listActions(strategy.file, {}, at);
  const statusCounts: Record<string, number> = {};
  for (const m of shown) statusCounts[m.statusLabel] = (statusCounts[m.statusLabel] ?? 0) + 1;
  const { measures: _frozen, ...rest } = detail;
  const f = strategy.file;
  return {
    kind: 'review',
    draft,
    strategy: {
      id: f.id,
      title: f.title,
      partnership: f.partnership,
      illustrative: f.illustrative,
      period: f.period,
      vision: f.vision,
    },
    detail: rest,
    dataTo,
    policy,
    priorities: f.priorities.map((p) => ({
      id: p.id,
      title: p.title,
      measures: shown.filter((m) => m.priorityId === p.id),
      actions: actions.filter((a) => a.priority === p.id),
    })),
    statusCounts,
  };
}

function banners(r: {
  draft: boolean;
  strategy: { illustrative?: boolean | undefined };
  policy: DisclosurePolicy;
}): SafeHtml {
  return html`${r.strategy.illustrative === true ? html`<div class="banner">Illustrative example: this strategy is not a partnership's real strategy.</div>` : ''}${r.draft ? html`<div class="banner draft">Draft: this review is still open. Its figures are computed from the data as it stands and will be frozen when the review is closed.</div>` : ''}`;
}

export function actionsTable(actions: readonly ActionRow[]): SafeHtml {
  if (actions.length === 0) return html`<p class="small">No actions.</p>`;
  return html`<table>
    <thead>
      <tr>
        <th>Action</th>
        <th>Lead</th>
        <th>Owner</th>
        <th>Due</th>
        <th>Status</th>
        <th>RAG</th>
        <th>Latest progress</th>
      </tr>
    </thead>
    <tbody>
      ${actions.map(
        (a) =>
          html`<tr>
            <td>
              ${a.title}
              <div class="small">${a.id}</div>
            </td>
            <td>${a.leadName}${a.s8_5 ? html`<div class="small">given under s8(5)</div>` : ''}</td>
            <td>${a.owner ?? '—'}</td>
            <td class="num">
              ${a.due ?? '—'}${a.overdue ? html`<div class="small off-track">overdue ${a.daysOverdue} days</div>` : ''}
            </td>
            <td>${a.status}</td>
            <td>${a.rag ?? '—'}</td>
            <td>
              ${a.lastUpdate === null ? '—' : html`${a.lastUpdate.date}: ${a.lastUpdate.text}`}
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function provenanceSection(
  detail: Omit<ReviewDetail, 'measures'>,
  policy: DisclosurePolicy,
): SafeHtml {
  const batches = detail.provenance.filter((p) => p.kind === 'batch');
  const other = detail.provenance.filter((p) => p.kind !== 'batch');
  return html`<h2>Method and data</h2>
    <p>
      Each measure is reported for the latest period of its basis ending with the last month of
      data. Counts and rates carry exact (Garwood) Poisson 95% intervals and shares Wilson 95%
      intervals. A period in which any month holds no data for the measure is shown as missing,
      never as zero. Progress is judged against a straight line from the baseline to the target on
      the target date, with the measure's tolerance; "beyond the play of chance" means the 95%
      intervals of the two periods do not overlap.
    </p>
    <p>Disclosure: ${policy.description}. Withheld figures are shown as [c].</p>
    ${detail.review.status === 'closed' ? html`<p>These figures were frozen when the review was closed on ${detail.review.closed_at} and are not recomputed: later data and definition changes do not alter them.</p>` : ''}
    <table>
      <thead>
        <tr>
          <th>Kind</th>
          <th>Reference</th>
          <th>Hash (sha256)</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        ${other.map(
          (p) =>
            html`<tr>
              <td>${p.kind}</td>
              <td>${p.ref}</td>
              <td class="small">${p.hash ?? '—'}</td>
              <td>${p.detail ?? ''}</td>
            </tr>`,
        )}${batches.map(
          (p) =>
            html`<tr>
              <td>batch</td>
              <td>${p.ref}</td>
              <td class="small">${p.hash === null ? '—' : shortHash(p.hash)}</td>
              <td>${p.detail ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export function renderReviewHtml(r: ReviewReport): string {
  const d = r.detail;
  const counts = Object.entries(r.statusCounts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const body = html`<h1>${d.review.title}</h1>
    <p class="meta">
      ${r.strategy.title}${r.strategy.partnership === undefined ? '' : html` — ${r.strategy.partnership}`}
    </p>
    <p class="meta">
      Review ${d.review.review_id},
      ${d.review.status === 'closed' ? `closed ${d.review.closed_at?.slice(0, 10)}` : `open since ${d.review.started_at.slice(0, 10)}`};
      data to ${r.dataTo ?? '—'}; audience: ${r.policy.audience}.
    </p>
    ${banners(r)}
    ${
      d.review.summary === null
        ? ''
        : html`<h2>Summary</h2>
            <blockquote>${d.review.summary}</blockquote>`
    }
    <h2>Measures against targets</h2>
    <p>
      ${counts === '' ? 'The strategy has no measures.' : `Of ${Object.values(r.statusCounts).reduce((s, n) => s + n, 0)} measures: ${counts}.`}
    </p>
    ${r.priorities.map(
      (p) =>
        html`<h3>${p.title}</h3>
          ${p.measures.length === 0 ? html`<p class="small">No measures for this priority.</p>` : measuresTable(p.measures)}`,
    )}
    <h2>Actions</h2>
    ${r.priorities.map(
      (p) =>
        html`<h3>${p.title}</h3>
          ${actionsTable(p.actions)}`,
    )}
    <h3>Changes made during the review</h3>
    ${
      d.actionChanges.length === 0
        ? html`<p class="small">None recorded.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Date</th>
                <th>Action</th>
                <th>Status</th>
                <th>RAG</th>
                <th>Note</th>
              </tr>
            </thead>
            <tbody>
              ${d.actionChanges.map(
                (c) =>
                  html`<tr>
                    <td class="num">${c.changed_on}</td>
                    <td>${c.action_id}</td>
                    <td>${c.from_status} → ${c.to_status}</td>
                    <td>${c.from_rag ?? '—'} → ${c.to_rag ?? '—'}</td>
                    <td>${c.note ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Commentary</h2>
    ${
      d.commentary.length === 0
        ? html`<p class="small">None recorded.</p>`
        : d.commentary.map(
            (c) =>
              html`<p class="small">
                  ${c.target_kind === 'review' ? 'On the review' : `On ${c.target_kind} ${c.target_id ?? ''}`}${c.author === null ? '' : html`, by ${c.author}`},
                  ${c.added_at.slice(0, 10)}
                </p>
                <blockquote>${c.text}</blockquote>`,
          )
    }
    <h2>Consultation (s8(4))</h2>
    ${
      d.consultations.length === 0
        ? html`<p class="small">No consultation recorded in this review.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Date</th>
                <th>Body</th>
                <th>Kind</th>
                <th>How</th>
                <th>What they said</th>
              </tr>
            </thead>
            <tbody>
              ${d.consultations.map(
                (c) =>
                  html`<tr>
                    <td class="num">${c.consulted_on}</td>
                    <td>${c.body}</td>
                    <td>${c.body_kind}</td>
                    <td>${c.method ?? '—'}</td>
                    <td>${c.summary ?? ''}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    ${provenanceSection(d, r.policy)}`;
  return page(d.review.title, body);
}

/** The review as CSV: one row per measure, action change, comment and consultation. */
export function renderReviewCsv(r: ReviewReport): string {
  const d = r.detail;
  const rows: (string | number | null)[][] = [];
  for (const p of r.priorities)
    for (const m of p.measures)
      rows.push([
        'measure',
        m.id,
        m.title,
        m.current?.period ?? null,
        m.current?.value ?? null,
        m.current?.interval ?? null,
        m.baseline?.value ?? null,
        m.statusLabel,
        null,
      ]);
  for (const c of d.actionChanges)
    rows.push([
      'action-change',
      c.action_id,
      `${c.from_status} -> ${c.to_status}`,
      c.changed_on,
      null,
      null,
      null,
      null,
      c.note,
    ]);
  for (const c of d.commentary)
    rows.push([
      'commentary',
      c.target_id ?? 'review',
      c.author,
      c.added_at,
      null,
      null,
      null,
      null,
      c.text,
    ]);
  for (const c of d.consultations)
    rows.push([
      'consultation',
      c.body_kind,
      c.body,
      c.consulted_on,
      null,
      null,
      null,
      c.method,
      c.summary,
    ]);
  return toCsv(
    ['section', 'id', 'title', 'period', 'value', 'interval', 'baseline', 'status', 'text'],
    rows,
  );
}
