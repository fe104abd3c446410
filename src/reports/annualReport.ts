/**
 * The annual report on the strategy for a financial year (April–March): the measures over the
 * year against their targets, the progress reported on each action during the year, the actions
 * as they stand, and the reviews closed in the year with their consultation — figures through the
 * disclosure policy of the audience, text escaped.
 */
import type { Clock } from '../core/clock.js';
import { usageError } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import {
  disclosurePolicy,
  type DisclosureOptions,
  type DisclosurePolicy,
} from '../disclosure/index.js';
import type { Workspace } from '../store/openWorkspace.js';
import { evaluateMeasures, resolveDataTo } from '../strategy/evaluateMeasures.js';
import { listActions } from '../strategy/listActions.js';
import { parsePeriod } from '../strategy/periods.js';
import { getReview, listReviews, type Consultation } from '../strategy/reviews.js';
import { requireStrategy } from '../strategy/storeStrategy.js';
import { fixedClock } from '../core/clock.js';
import { discloseMeasure, type ShownMeasure } from './discloseMeasure.js';
import { html } from './html.js';
import { measuresTable, page } from './layout.js';
import { actionsTable } from './reviewReport.js';
import type { ActionRow, ReviewRow } from '../api/strategy.js';

export interface AnnualReport {
  kind: 'annual';
  year: string;
  from: string;
  to: string;
  strategy: {
    id: string;
    title: string;
    partnership: string | null;
    illustrative: boolean;
    vision: string;
  };
  policy: DisclosurePolicy;
  priorities: {
    id: string;
    title: string;
    measures: ShownMeasure[];
    actions: ActionRow[];
    progress: { action: string; date: string; by: string | null; text: string }[];
  }[];
  reviews: (ReviewRow & { consultations: Consultation[] })[];
}

export async function buildAnnualReport(
  ws: Workspace,
  options: {
    year?: string;
    disclosure: DisclosureOptions;
    clock: Clock;
    reporter: Reporter;
    cwd: string;
  },
): Promise<AnnualReport> {
  let label = options.year;
  if (label === undefined) {
    const { to } = await resolveDataTo(ws, { clock: options.clock, reporter: options.reporter });
    const y = Number(to.slice(0, 4));
    const endYear = Number(to.slice(5, 7)) >= 3 ? y : y - 1;
    label = `${endYear - 1}/${String(endYear % 100).padStart(2, '0')}`;
    options.reporter.info(
      `annual report for the financial year ${label}, the latest ended by the data (change with --year)`,
    );
  }
  const fy = parsePeriod('financial-year', label);
  if (fy === undefined)
    throw usageError('BAD_YEAR', `--year ${label} is not a financial year`, 'write e.g. 2023/24');
  const strategy = await requireStrategy(ws);
  const evaluated = await evaluateMeasures(ws, strategy.file, {
    reporter: options.reporter,
    clock: options.clock,
    cwd: options.cwd,
    to: fy.last,
  });
  const policy = disclosurePolicy(options.disclosure);
  const first = `${fy.first}-01`;
  const lastDay = `${fy.last}-31`;
  const endClock = fixedClock(`${Number(fy.last.slice(0, 4))}-03-31T23:00:00Z`);
  const now = options.clock.now().toISOString();
  const actions = listActions(
    strategy.file,
    {},
    now < endClock.now().toISOString() ? options.clock : endClock,
  );
  const reviews = (await listReviews(ws)).filter(
    (r) =>
      r.closed_at !== null &&
      r.closed_at.slice(0, 10) >= first &&
      r.closed_at.slice(0, 10) <= lastDay,
  );
  const withConsultations = [];
  for (const r of reviews)
    withConsultations.push({
      ...r,
      consultations: (await getReview(ws, r.review_id)).consultations,
    });
  const f = strategy.file;
  return {
    kind: 'annual',
    year: fy.label,
    from: fy.first,
    to: fy.last,
    strategy: {
      id: f.id,
      title: f.title,
      partnership: f.partnership ?? null,
      illustrative: f.illustrative === true,
      vision: f.vision,
    },
    policy,
    priorities: f.priorities.map((p) => ({
      id: p.id,
      title: p.title,
      measures: evaluated.measures
        .filter((m) => m.priorityId === p.id)
        .map((m) => discloseMeasure(m, policy)),
      actions: actions.filter((a) => a.priority === p.id),
      progress: (p.actions ?? []).flatMap((a) =>
        (a.updates ?? [])
          .filter((u) => u.date >= first && u.date <= lastDay)
          .map((u) => ({ action: a.id, date: u.date, by: u.by ?? null, text: u.text })),
      ),
    })),
    reviews: withConsultations,
  };
}

export function renderAnnualHtml(r: AnnualReport): string {
  const title = `${r.strategy.title}: annual report ${r.year}`;
  const body = html`<h1>${title}</h1>
    <p class="meta">
      ${r.strategy.partnership ?? ''} · financial year ${r.year} (April ${r.from.slice(0, 4)} to
      March ${r.to.slice(0, 4)}) · audience: ${r.policy.audience}
    </p>
    ${r.strategy.illustrative ? html`<div class="banner">Illustrative example: this strategy is not a partnership's real strategy.</div>` : ''}
    <p>${r.strategy.vision}</p>
    <h2>Measures</h2>
    ${r.priorities.map(
      (p) =>
        html`<h3>${p.title}</h3>
          ${p.measures.length === 0 ? html`<p class="small">No measures for this priority.</p>` : measuresTable(p.measures)}`,
    )}
    <h2>Progress on actions during the year</h2>
    ${r.priorities.map(
      (p) =>
        html`<h3>${p.title}</h3>
          ${
            p.progress.length === 0
              ? html`<p class="small">No progress reported in the year.</p>`
              : html`<ul class="tight">
                  ${p.progress.map((u) => html`<li><strong>${u.action}</strong>, ${u.date}${u.by === null ? '' : html` (${u.by})`}: ${u.text}</li>`)}
                </ul>`
          }${actionsTable(p.actions)}`,
    )}
    <h2>Reviews in the year</h2>
    ${
      r.reviews.length === 0
        ? html`<p class="small">No review was closed in the year.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Review</th>
                <th>Closed</th>
                <th>Data to</th>
                <th>Consulted (s8(4))</th>
              </tr>
            </thead>
            <tbody>
              ${r.reviews.map(
                (v) =>
                  html`<tr>
                    <td>${v.title}</td>
                    <td class="num">${v.closed_at?.slice(0, 10)}</td>
                    <td class="num">${v.data_to}</td>
                    <td>
                      ${v.consultations.length === 0 ? '—' : v.consultations.map((c) => html`${c.body} (${c.consulted_on})<br />`)}
                    </td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    <h2>Method</h2>
    <p>
      Measures are evaluated to March ${r.to.slice(0, 4)}, the end of the financial year, each for
      the latest period of its basis; a period with a month holding no data is shown as missing,
      never as zero. Counts and rates carry exact Poisson 95% intervals, shares Wilson 95%
      intervals. Disclosure: ${r.policy.description}. Withheld figures are shown as [c].
    </p>`;
  return page(title, body);
}
