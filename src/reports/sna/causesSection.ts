/**
 * The SNA's section "Causes and risk factors": what `svd analyse causes` finds for the report's
 * area, period and definition, as a report publishes it. Model estimates (rate ratios, ρ, Moran's
 * I) and numbers of LSOAs are not counts of records and are shown as computed. Published
 * indicators (official statistics, already public) are shown as published; a partner's own
 * aggregates are shown only to partners and analysts. Counts of serious violence by partnership go
 * through the disclosure policy like every other count, and a rate is shown only beside a count
 * that is.
 */
import type { CausesResult, Quadrant } from '../../api/causes.js';
import {
  discloseFigure,
  formatFigure,
  withheld,
  type DisclosedFigure,
} from '../../disclosure/discloseFigure.js';
import type { DisclosurePolicy } from '../../disclosure/disclosurePolicy.js';
import {
  formatInterval,
  formatP,
  formatRate,
  formatRatio,
} from '../../analyses/selection/plainWords.js';
import { html, type SafeHtml } from '../html.js';

export interface CausesSna {
  result: CausesResult;
  /** Indicator ids that are a partner's own aggregates (not official statistics). */
  partnerIndicators: string[];
}

export interface DisclosedCauses {
  result: Omit<CausesResult, 'comparators' | 'riskIndex' | 'trends' | 'association'> & {
    association: Omit<CausesResult['association'], 'incidents'>;
    comparators: Omit<CausesResult['comparators'], 'violence'>;
    riskIndex: Omit<NonNullable<CausesResult['riskIndex']>, 'areas'> | null;
    trends: Omit<CausesResult['trends'], 'violence'>;
  };
  /** Records of the association's areas, through the policy. */
  incidents: DisclosedFigure;
  violenceYears: { period: string; figure: DisclosedFigure; rate: number | null }[];
  violence: {
    name: string;
    level: string;
    figure: DisclosedFigure;
    population: number | null;
    /** Per 1,000 residents a year, only where the count is shown. */
    rate: number | null;
  }[];
  /** Comparator rows left out for this audience (a partner's own aggregates). */
  withheldIndicators: string[];
}

export function discloseCauses(
  causes: CausesSna,
  policy: DisclosurePolicy,
  sources: readonly string[],
): DisclosedCauses {
  const { riskIndex, comparators, trends, association, ...rest } = causes.result;
  const partner = new Set(causes.partnerIndicators);
  const hidePartner = policy.audience === 'public';
  const rows = comparators.rows.filter((r) => !(hidePartner && partner.has(r.indicator)));
  // A partnership's count withheld could be had back from the others and the force's total: then
  // every partnership's is withheld (the force's total stays). Years and their total alike.
  const small = (n: number) => discloseFigure(n, policy, sources).suppressed !== false;
  const anyPartnershipSmall = comparators.violence.some(
    (v) => v.level !== 'force' && small(v.count),
  );
  const anyYearSmall = trends.violence.some((y) => small(y.count));
  const violence = comparators.violence.map((v) => {
    const figure =
      anyPartnershipSmall && v.level !== 'force'
        ? withheld(small(v.count) ? 'primary' : 'secondary')
        : discloseFigure(v.count, policy, sources);
    return {
      name: v.name ?? v.code,
      level: v.level,
      figure,
      population: v.population,
      rate: figure.suppressed === false ? v.rate : null,
    };
  });
  return {
    result: {
      ...rest,
      association: (({ incidents: _n, ...x }) => x)(association),
      trends: { indicators: trends.indicators },
      // The areas of the index (their counts and rates) are not published; their numbers are.
      riskIndex: riskIndex === null ? null : (({ areas: _areas, ...r }) => r)(riskIndex),
      comparators: (({ violence: _v, ...c }) => ({ ...c, rows }))(comparators),
    },
    violence,
    incidents: anyYearSmall
      ? withheld('secondary')
      : discloseFigure(association.incidents, policy, sources),
    violenceYears: trends.violence.map((y) => {
      const figure = anyYearSmall
        ? withheld(small(y.count) ? 'primary' : 'secondary')
        : discloseFigure(y.count, policy, sources);
      return { period: y.period, figure, rate: figure.suppressed === false ? y.rate : null };
    }),
    withheldIndicators: comparators.rows
      .filter((r) => hidePartner && partner.has(r.indicator))
      .map((r) => r.indicator),
  };
}

const QUADRANT_WORDS: Record<Quadrant, string> = {
  'high-risk-high-violence': 'High risk, high violence',
  'high-risk-low-violence': 'High risk, low violence (where prevention may pay)',
  'low-risk-high-violence': 'Low risk, high violence (not explained by the index)',
  'low-risk-low-violence': 'Low on both',
};

const num = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : v.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** A table of published counts of records with their rates per 1,000 residents a year. */
function recordsAndRates(
  title: string,
  rowHeader: string,
  rows: readonly { label: string; figure: DisclosedFigure; rate: number | null }[],
): SafeHtml | '' {
  if (rows.length === 0) return '';
  return html`<h3>${title}</h3>
    <table>
      <thead>
        <tr>
          <th>${rowHeader}</th>
          <th class="num">Records</th>
          <th class="num">Per 1,000 residents a year</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (x) =>
            html`<tr>
              <td>${x.label}</td>
              <td class="num">${formatFigure(x.figure)}</td>
              <td class="num">${x.rate === null ? '—' : formatRate(x.rate)}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

export function renderCauses(c: DisclosedCauses | null): SafeHtml {
  if (c === null)
    return html`<p>
      No indicators are loaded: load the published risk and protective factors with
      <code>svd indicators load</code> to set serious violence beside them.
    </p>`;
  const r = c.result;
  const a = r.association;
  return html`
    <div class="caution">${r.cautions.map((s) => html`<p>${s}</p>`)}</div>
    ${r.summary.map((s) => html`<p>${s}</p>`)}
    <h3>Association with small-area indicators (${a.areas} LSOAs 2021)</h3>
    ${
      a.rows.length === 0
        ? html`<p>No indicator is held for the LSOAs 2021 of the area.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Indicator</th>
                <th>Period</th>
                <th class="num">Rate ratio per SD (negative binomial, 95% interval)</th>
                <th class="num">Per decile</th>
                <th class="num">Spearman ρ</th>
                <th class="num">Moran's I of residuals (p)</th>
              </tr>
            </thead>
            <tbody>
              ${a.rows.map((x) => {
                const nb = x.perSd.negativeBinomial;
                const dec = x.perDecile.negativeBinomial;
                return html`<tr>
                  <td>${x.name}${x.circular ? ' (built from recorded crime)' : ''}</td>
                  <td>${x.period}</td>
                  <td class="num">
                    ${nb === null ? '—' : `${formatRatio(nb.rateRatio)} (${formatInterval(nb.lower, nb.upper, 'ratio')})`}
                  </td>
                  <td class="num">${dec === null ? '—' : formatRatio(dec.rateRatio)}</td>
                  <td class="num">${x.spearman === null ? '—' : x.spearman.rho.toFixed(2)}</td>
                  <td class="num">
                    ${x.moran === null ? '—' : `${x.moran.statistic.toFixed(2)} (${formatP(x.moran.pValue)})`}
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }
    ${
      r.riskIndex === null
        ? html`<p>No component of the risk index is held: no index.</p>`
        : html`<h3>Neighbourhood risk index</h3>
            <p>
              ${r.riskIndex.weights.title} (${r.riskIndex.weights.id}, version
              ${r.riskIndex.weights.version}, file ${r.riskIndex.weights.file}, SHA-256
              ${r.riskIndex.weights.sha256.slice(0, 12)}…):
              ${r.riskIndex.components
                .filter((x) => x.held)
                .map((x) => `${x.name} × ${num(x.weight)}`)
                .join('; ')}.
              ${r.riskIndex.thresholds.rule}.
            </p>
            <table>
              <thead>
                <tr>
                  <th>Quadrant</th>
                  <th class="num">LSOAs</th>
                </tr>
              </thead>
              <tbody>
                ${(Object.keys(QUADRANT_WORDS) as Quadrant[]).map(
                  (q) =>
                    html`<tr>
                      <td>${QUADRANT_WORDS[q]}</td>
                      <td class="num">${r.riskIndex!.quadrants[q]}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
    <h3>
      Comparators${r.comparators.area === null ? '' : ` for ${r.comparators.area.name ?? r.comparators.area.code}`}
    </h3>
    ${
      r.comparators.rows.length === 0
        ? html`<p>No indicator published by local authority is held for the area.</p>`
        : html`<p>
              Similar areas:
              ${r.comparators.similar.map((s) => s.name ?? s.code).join(', ') || 'none'}
              (${r.comparators.method}).
            </p>
            <table>
              <thead>
                <tr>
                  <th>Indicator</th>
                  <th>Period</th>
                  <th class="num">Area</th>
                  <th class="num">England</th>
                  <th class="num">Region</th>
                  <th class="num">Similar areas (median)</th>
                  <th class="num">Rank (1 = highest)</th>
                </tr>
              </thead>
              <tbody>
                ${r.comparators.rows.map(
                  (x) =>
                    html`<tr>
                      <td>
                        ${x.name}${x.unit === null ? '' : ` (${x.unit})`}${x.note === null ? '' : html`<br /><span class="small">${x.note}</span>`}
                      </td>
                      <td>${x.period}</td>
                      <td class="num">${num(x.area.value)}</td>
                      <td class="num">${num(x.england?.value)}</td>
                      <td class="num">${num(x.region?.value)}</td>
                      <td class="num">${num(x.neighboursMedian)}</td>
                      <td class="num">
                        ${x.rank === null ? '—' : `${x.rank.position} of ${x.rank.of}`}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
    ${
      c.withheldIndicators.length === 0
        ? ''
        : html`<p class="small">
            A partner's own aggregates (${c.withheldIndicators.join(', ')}) are not published in
            this version.
          </p>`
    }
    ${recordsAndRates(
      'Serious violence across the force and its partnerships',
      'Area',
      c.violence.map((v) => ({ ...v, label: `${v.name}${v.level === 'force' ? ' (force)' : ''}` })),
    )}
    ${recordsAndRates(
      'Serious violence by year in the area',
      'Year',
      c.violenceYears.map((y) => ({ ...y, label: y.period })),
    )}
    ${
      r.trends.indicators.length === 0
        ? ''
        : html`<h3>Trends of the indicators</h3>
            <table>
              <thead>
                <tr>
                  <th>Indicator</th>
                  <th>First to last value held (area)</th>
                </tr>
              </thead>
              <tbody>
                ${r.trends.indicators.map(
                  (t) =>
                    html`<tr>
                      <td>${t.name}</td>
                      <td>${t.change ?? '—'}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
  `;
}
