/**
 * The Strategic Needs Assessment as one self-contained HTML file: inline style, charts and maps as
 * inline SVG, a table behind every chart, no script to run — and, for machines, every table's
 * data as JSON in `<script type="application/json" id="sna-data">`. It is rendered from the
 * disclosed assessment alone; every value passes through the escaping `html` template.
 */
import { formatNumber, formatP, formatRate } from '../../analyses/selection/plainWords.js';
import {
  formatMonth,
  formatMonthRange,
  formatRuns,
  monthRange,
  monthsHeldPhrase,
} from '../../core/months.js';
import {
  HATCH_PATTERN_ID,
  SUPPRESSED_MARK,
  formatFigure,
  hatchPattern,
  type DisclosedFigure,
} from '../../disclosure/index.js';
import { html, trusted, type HtmlValue, type SafeHtml } from '../html.js';
import { page } from '../layout.js';
import { keyFindings } from './keyFindings.js';
import { renderCauses } from './causesSection.js';
import { paramRows } from './methodParams.js';
import type { Commentary } from './readCommentary.js';
import { partPeriod, WITHHELD_DETAILS } from './discloseSna.js';
import { renderChart, resetChartIds, type ChartSpec } from './renderChart.js';
import { LEVEL_WORDS } from './discloseSnaMap.js';
import {
  NOT_AMONG_SOURCES,
  SECTIONS,
  type DisclosedSna,
  type SectionId,
  type ShownTable,
} from './snaTypes.js';

const SNA_STYLE = trusted(`
nav.contents ol { padding-left: 6mm; }
nav.contents li { margin: 0.6mm 0; }
nav.contents a { color: #0b3d5c; text-decoration: none; }
nav.contents { break-after: page; }
nav.contents ol { list-style: none; padding-left: 0; }
nav.contents li { display: flex; }
nav.contents li a { flex: 1; border-bottom: 1px dotted #9bb7cc; }
nav.contents li span.page { padding-left: 2mm; min-width: 8mm; text-align: right; }
section.sna { break-before: page; }
section.sna:first-of-type { break-before: auto; }
.cover { min-height: 60mm; }
.commentary { border-left: 3px solid #d17a00; background: #fffaf2; padding: 1mm 3mm; margin: 2mm 0 3mm; }
.commentary h3 { margin-top: 1mm; }
figure { margin: 2mm 0 3mm; break-inside: avoid; }
figcaption { font-size: 8.5pt; color: #444; margin-top: 1mm; }
svg.chart, svg.map { width: 100%; height: auto; max-width: 170mm; display: block; }
svg.map path { stroke: #ffffff; stroke-width: 0.6; }
svg.map path.hotspot { stroke: #a11d1d; stroke-width: 2.2; }
svg.map path.coldspot { stroke: #1d4fa1; stroke-width: 2.2; }
svg.map path.spot { fill: none; }
svg.map path.outline-ward { fill: none; stroke: #6a6a6a; stroke-width: 1.1; stroke-dasharray: 4 2; }
svg.map path.outline-district { fill: none; stroke: #1a1a1a; stroke-width: 1.8; }
svg.map text.area-label { font: 600 17px sans-serif; fill: #111111; stroke: #ffffff; stroke-width: 4px; paint-order: stroke; text-anchor: middle; }
.legend .legend-title { flex-basis: 100%; font-weight: 600; }
table.top td.where { font-size: 8pt; }
.legend { display: flex; flex-wrap: wrap; gap: 2mm 5mm; font-size: 8.5pt; margin: 1mm 0; }
.legend span.key { display: inline-block; width: 4mm; height: 3mm; border: 1px solid #999; vertical-align: middle; margin-right: 1mm; }
table.data td.total, table.data th.total { font-weight: bold; background: #f4f6f8; }
code { font-size: 9pt; overflow-wrap: anywhere; }
td.hash { font-family: monospace; font-size: 7pt; overflow-wrap: anywhere; }
@media print { a { color: inherit; } }
.marking { text-align: center; font-weight: bold; letter-spacing: 0.05em; margin: 0 0 3mm; }
@media print { .marking { display: none; } }
ol.findings { padding-left: 6mm; }
ol.findings li { margin: 1mm 0; }
table.control th { width: 38mm; }
table.approvals td { height: 7mm; }
section.control { break-before: page; }
section.control table { break-inside: avoid; }
`);

const AUDIENCE_BANNER: Record<DisclosedSna['audience'], string> = {
  public:
    'Public version: small numbers are not published, nor any figure from which one could be worked out.',
  partner:
    'Partner version (restricted): for partnership members only. Small counts of health data are not shown.',
  analyst:
    'Analyst version (restricted): every figure as computed, nothing withheld. Do not publish or share beyond the analysts.',
};

const num = (f: DisclosedFigure): string => formatFigure(f);

/** A disclosed table with its margins (the row totals only when there is more than one column). */
export function renderTable(t: ShownTable, extra?: { header: string; values: string[] }): SafeHtml {
  // Row totals only where the columns count like things.
  const many = t.columns.length > 1 && t.unlikeColumns !== true;
  return html`<table class="data" id="table-${t.id}">
      <caption class="small">
        ${t.title}
      </caption>
      <thead>
        <tr>
          <th>${t.rowHeader}</th>
          ${t.columns.map((c) => html`<th class="num">${c}</th>`)}
          ${many ? html`<th class="num total">Total</th>` : ''}
          ${extra === undefined ? '' : html`<th class="num">${extra.header}</th>`}
        </tr>
      </thead>
      <tbody>
        ${t.rows.map(
          (r, i) =>
            html`<tr>
              <td>${formatMonth(r)}</td>
              ${t.cells[i]!.map((f) => html`<td class="num">${num(f)}</td>`)}
              ${many ? html`<td class="num total">${num(t.rowTotals[i]!)}</td>` : ''}
              ${extra === undefined ? '' : html`<td class="num">${extra.values[i] ?? ''}</td>`}
            </tr>`,
        )}
        <tr>
          <td class="total">Total</td>
          ${t.columnTotals.map((f) => html`<td class="num total">${num(f)}</td>`)}
          ${many ? html`<td class="num total">${num(t.total)}</td>` : ''}
          ${extra === undefined ? '' : html`<td></td>`}
        </tr>
      </tbody>
    </table>
    ${t.note === undefined ? '' : html`<p class="small">${t.note}</p>`}
    ${
      t.disclosure.primary + t.disclosure.secondary > 0
        ? html`<p class="small">
            ${SUPPRESSED_MARK}: not published, to protect confidentiality
            (${t.disclosure.primary + t.disclosure.secondary} of the figures in this table).
          </p>`
        : ''
    }`;
}

/**
 * Why there is no police beside health: A&E data not among the sources reported on, none held,
 * or none of a department in the area.
 */
function healthAbsent(d: DisclosedSna): string {
  const why = d.warnings.find((w) => w.code === 'NO_HEALTH')?.message;
  if (why?.endsWith(NOT_AMONG_SOURCES) === true) return `${NOT_AMONG_SOURCES}.`;
  return why === undefined || !why.includes('no emergency department is known to lie in the area')
    ? 'No A&E (ISTV) data is held for the period.'
    : `${why.charAt(0).toUpperCase()}${why.slice(1)}.`;
}

const figureValue = (f: DisclosedFigure): number | null =>
  f.suppressed === false ? f.value : null;

/**
 * A chart of a table's columns (one series each), drawn from its published cells only. A table
 * whose rows are months (`overMonths`) is drawn on a time axis over every month of the period:
 * a month with no row is a gap, named in the caption as ranges of months.
 */
export function tableChartSpec(
  t: ShownTable,
  kind: 'bar' | 'line',
  d: Pick<DisclosedSna, 'period' | 'policy'>,
  options: ChartOptions = {},
): ChartSpec & { notShown: string[] } {
  const columns = options.columns ?? t.columns.map((_, i) => i);
  const months = options.overMonths === true ? monthRange(d.period.from, d.period.to) : null;
  const rowOf = new Map(t.rows.map((r, i) => [r, i]));
  const categories = months ?? t.rows;
  return {
    notShown: months === null ? [] : months.filter((m) => !rowOf.has(m)),
    kind,
    categories,
    ...(months === null ? {} : { time: true }),
    series: columns.map((c) => ({
      name: t.columns[c]!,
      values: categories.map((r) => {
        const i = rowOf.get(r);
        return i === undefined ? null : figureValue(t.cells[i]![c]!);
      }),
    })),
    axis: months === null ? 'records' : 'records a month',
    minInterval: Math.max(1, d.policy.minimum),
    ...(options.horizontal === undefined ? {} : { horizontal: options.horizontal }),
  };
}

interface ChartOptions {
  horizontal?: boolean;
  columns?: number[];
  /** The rows are months: drawn on a time axis over every month of the period. */
  overMonths?: boolean;
}

function tableChart(
  t: ShownTable,
  kind: 'bar' | 'line',
  d: DisclosedSna,
  options: ChartOptions = {},
): SafeHtml {
  if (t.rows.length === 0) return html``;
  const { notShown, ...spec } = tableChartSpec(t, kind, d, options);
  const chart = renderChart(spec);
  return html`<figure>
    ${chart}
    <figcaption>
      ${t.title}${partPeriod(d)}.
      ${notShown.length === 0 ? '' : html`Months not held are gaps, not zeros: ${formatRuns(notShown)}.`}
    </figcaption>
  </figure>`;
}

/**
 * The map: areas (LSOAs, or wards or MSOAs on a public map mostly withheld at LSOA level) filled
 * by published count (classes start at the smallest published count), hatched where withheld, hot
 * and cold spots outlined, district outlines (and wards, on a map of one district) drawn over
 * them with the districts' names; a legend with the unit and the period.
 */
function renderMap(d: DisclosedSna): SafeHtml {
  const m = d.map;
  if (m === null) return html`<p>No map: the LSOA boundaries of the area are not loaded.</p>`;
  const unit = LEVEL_WORDS[m.level ?? 'lsoa'];
  const shown = m.lsoas
    .map((l) => figureValue(l.figure))
    .filter((v): v is number => v !== null && v > 0)
    .sort((a, b) => a - b);
  const least = Math.max(1, d.policy.minimum);
  // Class breaks at quantiles of the published counts, never below the smallest publishable count.
  const breaks = [
    ...new Set([0.25, 0.5, 0.75].map((q) => shown[Math.floor(q * (shown.length - 1))] ?? least)),
  ]
    .map((b) => Math.max(b, least))
    .filter((b, i, all) => all.indexOf(b) === i);
  const fills = ['#f1eef6', '#bdc9e1', '#74a9cf', '#2b8cbe', '#045a8d'];
  const fillOf = (v: number | null): string => {
    if (v === null) return `url(#${HATCH_PATTERN_ID})`;
    if (v === 0) return '#fafafa';
    let k = 1;
    for (const b of breaks) if (v > b) k++;
    return fills[Math.min(k, fills.length - 1)]!;
  };
  const paths = m.lsoas
    .filter((l) => m.shapes[l.code] !== undefined)
    .map((l) => {
      const v = figureValue(l.figure);
      const cls = l.hotspot ?? '';
      return `<path d="${m.shapes[l.code]}" fill="${fillOf(v)}" class="${cls}"><title>${escapeText(`${l.name ?? l.code}: ${v === null ? SUPPRESSED_MARK : formatNumber(v)}${l.hotspot === null ? '' : `, ${l.hotspot}`}`)}</title></path>`;
    });
  // Hot and cold spots drawn last so that their outlines are on top.
  const ordered = [
    ...paths.filter((p) => !p.includes('class="hotspot"') && !p.includes('class="coldspot"')),
    ...paths.filter((p) => p.includes('class="hotspot"') || p.includes('class="coldspot"')),
  ];
  const spots = (m.spotOutlines ?? []).map(
    (o) => `<path class="spot ${o.hotspot}" d="${o.d}"></path>`,
  );
  const outlines = m.outlines ?? [];
  const lines = [
    ...outlines.filter((o) => o.level === 'ward'),
    ...outlines.filter((o) => o.level === 'district'),
  ].map((o) => `<path class="outline-${o.level}" d="${o.d}"></path>`);
  const labels = outlines.flatMap((o) =>
    o.label === null
      ? []
      : [`<text class="area-label" x="${o.label.x}" y="${o.label.y}">${escapeText(o.name)}</text>`],
  );
  const svg = trusted(
    `<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="${m.viewBox}" role="img" aria-label="Map of records by ${unit.one}"><defs>${hatchPattern()}</defs>${ordered.join('')}${spots.join('')}${lines.join('')}${labels.join('')}</svg>`,
  );
  const hasWards = outlines.some((o) => o.level === 'ward');
  const hasDistricts = outlines.some((o) => o.level === 'district');
  const legendBreaks = [0, ...breaks];
  return html`<figure>
    ${svg}
    <div class="legend">
      <span class="legend-title"
        >Records of serious violence per ${unit.one} (a count, not a rate),
        ${formatMonthRange(d.period.from, d.period.to)}</span
      >
      <span><span class="key" style="background:#fafafa"></span>none</span>
      ${legendBreaks.map((b, i) => {
        const next = legendBreaks[i + 1];
        const from = i === 0 ? least : b + 1;
        const label =
          next === undefined
            ? `${formatNumber(from)} or more`
            : from === next
              ? formatNumber(from)
              : `${formatNumber(from)}–${formatNumber(next)}`;
        return from > (next ?? Infinity)
          ? ''
          : html`<span
              ><span
                class="key"
                style="background:${fills[Math.min(i + 1, fills.length - 1)]}"
              ></span
              >${label}</span
            >`;
      })}
      <span
        ><svg width="16" height="12" aria-hidden="true">
          <defs>${trusted(hatchPattern('legend-hatch'))}</defs>
          <rect width="16" height="12" fill="url(#legend-hatch)" stroke="#999" />
        </svg>
        not published</span
      >
      <span><span class="key" style="border:2px solid #a11d1d"></span>hotspot LSOA (Gi*)</span>
      <span><span class="key" style="border:2px solid #1d4fa1"></span>coldspot LSOA (Gi*)</span>
      ${
        hasDistricts
          ? html`<span><span class="key" style="border:2px solid #1a1a1a"></span>district</span>`
          : ''
      }
      ${
        hasWards
          ? html`<span><span class="key" style="border:1px dashed #4a4a4a"></span>ward</span>`
          : ''
      }
    </div>
    <figcaption>
      Records by ${unit.one},
      ${formatMonthRange(d.period.from, d.period.to)}${d.periodHeld.held < d.periodHeld.months ? `: ${monthsHeldPhrase(d.periodHeld.held, d.periodHeld.months)}` : ''}.
      Hotspots and coldspots: Getis-Ord Gi* over contiguous LSOAs, ${m.correction} correction, α =
      ${m.alpha}. ${m.fallback === null || m.fallback === undefined ? '' : m.fallback}
    </figcaption>
  </figure>`;
}

const orDash = (v: string | null): string => v ?? '–';

/** The busiest areas of the map, named, by published count (with the rate where known). */
function renderTopAreas(d: DisclosedSna): SafeHtml | '' {
  const m = d.map;
  if (m === null || (m.top ?? []).length === 0) return '';
  const unit = LEVEL_WORDS[m.level ?? 'lsoa'];
  const isLsoa = (m.level ?? 'lsoa') === 'lsoa';
  const withRate = m.top!.some((t) => t.rate !== null);
  return html`<table class="data top" id="table-top-areas">
    <caption class="small">
      Top ${m.top!.length} ${m.top!.length === 1 ? unit.one : unit.many} by records,
      ${formatMonthRange(d.period.from, d.period.to)}. Most common location: the text its records
      give most, or, where they give none (partner extracts), the text any record of the period
      there gives most.
    </caption>
    <thead>
      <tr>
        <th>${unit.header}</th>
        ${isLsoa ? html`<th>Ward</th>` : ''}
        <th>District</th>
        <th>Most common location</th>
        <th class="num">Records</th>
        ${withRate ? html`<th class="num">Per 1,000 residents per year</th>` : ''}
      </tr>
    </thead>
    <tbody>
      ${m.top!.map(
        (t) =>
          html`<tr>
            <td>${t.name === null ? t.code : `${t.name} (${t.code})`}</td>
            ${isLsoa ? html`<td>${orDash(t.ward)}</td>` : ''}
            <td>${orDash(t.district)}</td>
            <td class="where">${orDash(t.street)}</td>
            <td class="num count">${num(t.figure)}</td>
            ${
              withRate
                ? html`<td class="num">${t.rate === null ? '–' : formatNumber(t.rate)}</td>`
                : ''
            }
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The top hot spot cells of the grid, named by where they are. */
function renderHotCells(d: DisclosedSna): SafeHtml | '' {
  const m = d.map;
  const cells = m?.hotCells ?? [];
  if (m === null || cells.length === 0) return '';
  const size =
    m.cellSize === null || m.cellSize === undefined ? '' : ` of ${formatNumber(m.cellSize)} m`;
  return html`<table class="data top" id="table-hot-cells">
    <caption class="small">
      Hot spot cells${size} (Getis-Ord Gi*, ${m.correction} correction), strongest first; a cell
      with no record is never listed
    </caption>
    <thead>
      <tr>
        <th>Most common location</th>
        <th>LSOA</th>
        <th>Ward</th>
        <th>District</th>
        <th class="num">Records</th>
        <th class="num">Gi* z</th>
      </tr>
    </thead>
    <tbody>
      ${cells.map(
        (c) =>
          html`<tr>
            <td class="where">${orDash(c.street)}</td>
            <td>${orDash(c.lsoa)}</td>
            <td>${orDash(c.ward)}</td>
            <td>${orDash(c.district)}</td>
            <td class="num count">${num(c.figure)}</td>
            <td class="num">${c.z.toFixed(1)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end the script element it sits in. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const tableData = (t: ShownTable | null): unknown =>
  t === null
    ? null
    : {
        title: t.title,
        rowHeader: t.rowHeader,
        rows: t.rows,
        columns: t.columns,
        cells: t.cells.map((r) => r.map(figureValue)),
        // Columns of unlike things (police records, A&E attendances) are never added together.
        ...(t.unlikeColumns === true ? {} : { rowTotals: t.rowTotals.map(figureValue) }),
        columnTotals: t.columnTotals.map(figureValue),
        ...(t.unlikeColumns === true ? {} : { total: figureValue(t.total) }),
      };

/** The machine-readable copy: every table and chart's data, as published (null: not published). */
export function snaDataJson(d: DisclosedSna): unknown {
  return {
    note: 'Every figure as published for this audience; null means not published.',
    area: d.area,
    period: d.period,
    definition: d.definition,
    audience: d.audience,
    policy: d.policy,
    manifest: {
      generatedAt: d.generatedAt,
      software: d.software,
      batches: d.batches,
      document: d.document,
    },
    keyFindings: keyFindings(d),
    coverage: d.coverage,
    tables: Object.fromEntries(Object.entries(d.tables).map(([k, t]) => [k, tableData(t)])),
    rates: d.rates,
    change:
      d.change === null
        ? null
        : {
            earlier: { ...d.change.earlier, figure: figureValue(d.change.earlier.figure) },
            later: { ...d.change.later, figure: figureValue(d.change.later.figure) },
            percent: d.change.percent,
            significant: d.change.significant,
            statement: d.change.statement,
          },
    periodHeld: d.periodHeld,
    trendTest: d.trendTest,
    map:
      d.map === null
        ? null
        : d.map.lsoas.map((l) => ({
            code: l.code,
            name: l.name,
            hotspot: l.hotspot,
            count: figureValue(l.figure),
          })),
    mapLevel:
      d.map === null ? null : { level: d.map.level ?? 'lsoa', fallback: d.map.fallback ?? null },
    topAreas:
      d.map?.top?.map((t) => ({
        code: t.code,
        name: t.name,
        ward: t.ward,
        district: t.district,
        street: t.street,
        count: figureValue(t.figure),
        ratePer1000PerYear: t.rate,
      })) ?? null,
    hotCells:
      d.map?.hotCells?.map((c) => ({
        street: c.street,
        lsoa: c.lsoa,
        ward: c.ward,
        district: c.district,
        count: figureValue(c.figure),
        z: c.z,
      })) ?? null,
    deprivationCorrelations: d.deprivationCorrelations,
    causes:
      d.causes === null
        ? null
        : {
            ...d.causes.result,
            incidents: figureValue(d.causes.incidents),
            violence: d.causes.violence.map((v) => ({
              name: v.name,
              level: v.level,
              figure: figureValue(v.figure),
              population: v.population,
              ratePer1000PerYear: v.rate,
            })),
            violenceYears: d.causes.violenceYears.map((y) => ({
              period: y.period,
              figure: figureValue(y.figure),
              ratePer1000PerYear: y.rate,
            })),
            withheldIndicators: d.causes.withheldIndicators,
          },
    summary: d.summary,
    params: d.params,
    warnings: d.warnings,
  };
}

/**
 * `pages`: the page each section starts on in print (from a first printing, see printPdf's
 * `relayout`); the contents lists them when given.
 */
export function renderSnaHtml(
  d: DisclosedSna,
  commentary: Commentary = {},
  pages?: ReadonlyMap<string, number>,
): string {
  resetChartIds();
  const title = `Strategic Needs Assessment: ${d.area.name}`;
  const section = (id: SectionId, body: HtmlValue): SafeHtml => {
    const s = SECTIONS.find((x) => x.id === id)!;
    const note = commentary[id];
    return html`<section class="sna" id="${id}">
      <h2>${SECTIONS.indexOf(s) + 1}. ${s.title}</h2>
      ${
        note === undefined
          ? ''
          : html`<div class="commentary">
              <h3>Analyst commentary</h3>
              ${note.html}
            </div>`
      }
      ${body}
    </section>`;
  };
  const t = d.tables;
  const rateColumn = {
    header: 'Rate per 1,000 residents per year',
    values: d.rates.districts.map((r) => (r.rate === null ? '—' : formatRate(r.rate))),
  };
  const doc = d.document;
  const findings = keyFindings(d);
  const body = html`
    ${doc.marking === null ? '' : html`<p class="marking" data-marking>${doc.marking}</p>`}
    <div class="cover">
      <h1>${title}</h1>
      <p class="meta">
        ${formatMonthRange(d.period.from, d.period.to)} · ${d.area.level} ${d.area.code}
      </p>
      <div class="banner ${d.audience === 'public' ? '' : 'draft'}">
        ${AUDIENCE_BANNER[d.audience]}
      </div>
      ${
        d.caveats.some((c) => c.includes('SYNTHETIC'))
          ? html`<div class="banner draft">Contains SYNTHETIC data: not real records.</div>`
          : ''
      }
    </div>
    <section class="front" id="key-findings">
      <h2>Key findings</h2>
      <ol class="findings">
        ${findings.map((f) => html`<li>${f}</li>`)}
      </ol>
    </section>
    <section class="front control" id="document-control">
      <h2>Document control</h2>
      <table class="control">
        <tbody>
          <tr>
            <th>Title</th>
            <td>${title}</td>
          </tr>
          <tr>
            <th>Area</th>
            <td>${d.area.name} (${d.area.level} ${d.area.code})</td>
          </tr>
          <tr>
            <th>Period</th>
            <td>${formatMonthRange(d.period.from, d.period.to)}</td>
          </tr>
          <tr>
            <th>Definition</th>
            <td>
              ${d.definition.title}: ${d.definition.id}, version ${d.definition.version}; counting
              its primary
              tier${d.definition.tiers[0] === undefined ? '' : `, “${d.definition.tiers[0].label}”`}
            </td>
          </tr>
          <tr>
            <th>Author</th>
            <td>${doc.author}</td>
          </tr>
          <tr>
            <th>Report version</th>
            <td>${doc.version}</td>
          </tr>
          <tr>
            <th>Audience</th>
            <td>${d.audience}</td>
          </tr>
          <tr>
            <th>Protective marking</th>
            <td>${doc.marking ?? 'none (written to be published)'}</td>
          </tr>
          <tr>
            <th>Generated</th>
            <td>${generatedWords(d.generatedAt)} by ${d.software.name} ${d.software.version}</td>
          </tr>
        </tbody>
      </table>
      <h3>Approval</h3>
      <table class="approvals">
        <thead>
          <tr>
            <th>Role</th>
            <th>Name</th>
            <th>Date</th>
            <th>Decision</th>
          </tr>
        </thead>
        <tbody>
          ${doc.approvals.map(
            (a) =>
              html`<tr>
                <td>${a.role}</td>
                <td>${a.name}</td>
                <td>${a.date}</td>
                <td>${a.decision}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <nav class="contents">
      <h2>Contents</h2>
      <ol>
        ${SECTIONS.map(
          (s) =>
            html`<li>
              <a href="#${s.id}">${SECTIONS.indexOf(s) + 1}. ${s.title}</a>${
                pages?.get(s.id) === undefined
                  ? ''
                  : html`<span class="page">${pages.get(s.id)}</span>`
              }
            </li>`,
        )}
      </ol>
    </nav>
    ${section('summary', html`${d.summary.map((s) => html`<p>${s}</p>`)}`)}
    ${section(
      'definition',
      html`<p>
          Figures count records under <strong>${d.definition.title}</strong>: definition
          <code>${d.definition.id}</code>, version ${d.definition.version}, content hash
          <code>${d.definition.hash}</code>
          (${d.definition.coverage === 'exact' ? 'applied exactly' : 'a proxy'}).
        </p>
        <p>Tiers (each record counts once, in the first tier it matches):</p>
        <ul>
          ${d.definition.tiers.map((x, i) => html`<li>${x.label} (<code>${x.id}</code>)${i === 0 ? ' — the serious violence this report is about' : ''}</li>`)}
        </ul>`,
    )}
    ${section(
      'sources',
      html`<h3>Caveats</h3>
        <ul>
          ${d.caveats.map((c) => html`<li>${c}</li>`)}
        </ul>
        <h3>Coverage of the period</h3>
        <table>
          <thead>
            <tr>
              <th>Source</th>
              <th class="num">Months held</th>
              <th>Months missing (gaps, not zeros)</th>
            </tr>
          </thead>
          <tbody>
            ${d.coverage.map(
              (c) =>
                html`<tr>
                  <td>${c.source}</td>
                  <td class="num">${c.held.length}</td>
                  <td>${c.missing.length === 0 ? 'none' : formatRuns(c.missing)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <p>
          Every file read (kind, rows stored and checksum) is listed in the appendix, under “Data
          batches”.
        </p>`,
    )}
    ${section(
      'volumes',
      html`${tableChart(t.volumes, 'bar', d, { horizontal: true })}
        ${renderTable(t.volumes, rateColumn)}
        <p class="small">
          Rates: records of the first tier per 1,000 residents (Census 2021) per year, over the
          ${monthsHeldPhrase(d.periodHeld.held, d.periodHeld.months)} of
          ${formatMonthRange(d.period.from, d.period.to)} scaled to twelve months, so that they
          compare; given only where the count is published.
        </p>`,
    )}
    ${section(
      'trends',
      html`${tableChart(t.trend, 'line', d, { overMonths: true })}
      ${d.change === null ? '' : html`<p>${d.change.statement}</p>`}
      ${
        d.trendTest === null
          ? ''
          : html`<p>
              Trend test over ${d.trendTest.months} months: Mann–Kendall,
              ${formatP(d.trendTest.pValue)}, direction ${d.trendTest.direction}.
            </p>`
      }
      ${renderTable(t.trend)}`,
    )}
    ${section(
      'where',
      html`${renderMap(d)}
      ${d.map === null ? '' : html`<p>${d.map.hot} hotspot LSOA(s) and ${d.map.cold} coldspot LSOA(s).</p>`}
      ${renderTopAreas(d)} ${renderHotCells(d)} ${renderTable(t.where)}`,
    )}
    ${section(
      'when',
      t.when === null
        ? html`<p>No record of the selection has a time of day.</p>`
        : html`${tableChart(t.when, 'bar', d)} ${renderTable(t.when)}`,
    )}
    ${section(
      'who',
      t.who === null
        ? html`<p>No record of the selection describes a victim.</p>`
        : html`${tableChart(t.who, 'bar', d, { horizontal: true })} ${renderTable(t.who)}`,
    )}
    ${section(
      'domestic',
      html`<p>${d.summary.find((s) => s.includes('domestic abuse flag')) ?? ''}</p>
        ${tableChart(t.domestic, 'bar', d, { horizontal: true, columns: [0] })}
        ${renderTable(t.domestic)}`,
    )}
    ${section(
      'knife',
      html`<p>${d.summary.find((s) => s.includes('knife')) ?? ''}</p>
        ${tableChart(t.knife, 'bar', d, { horizontal: true, columns: [0] })} ${renderTable(t.knife)}`,
    )}
    ${section(
      'drugs',
      html`<p>${d.summary.find((s) => s.startsWith('County lines')) ?? ''}</p>
        ${tableChart(t.drugs, 'bar', d, { horizontal: true })} ${renderTable(t.drugs)}`,
    )}
    ${section(
      'deprivation',
      t.deprivation === null
        ? html`<p>No deprivation data (IMD 2019) is loaded.</p>`
        : html`${tableChart(t.deprivation, 'bar', d)}
          ${renderTable(t.deprivation, {
            header: 'Rate per 1,000 residents per year',
            values: d.rates.deciles.map((r) => (r.rate === null ? '—' : formatRate(r.rate))),
          })}
          ${
            d.deprivationCorrelations.length === 0
              ? ''
              : html`<h3>Rank correlation of LSOA rates with each domain of deprivation</h3>
                  <table>
                    <thead>
                      <tr>
                        <th>Domain</th>
                        <th class="num">Spearman ρ</th>
                        <th class="num">p</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${d.deprivationCorrelations.map(
                        (c) =>
                          html`<tr>
                            <td>${c.domain}</td>
                            <td class="num">${c.rho === null ? '—' : c.rho.toFixed(2)}</td>
                            <td class="num">${c.pValue === null ? '—' : formatP(c.pValue)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
          }`,
    )}
    ${section('causes', renderCauses(d.causes))}
    ${section(
      'health',
      t.health === null
        ? html`<p>${healthAbsent(d)}</p>`
        : html`<p>${d.summary.find((s) => s.startsWith('Police beside health')) ?? ''}</p>
            ${tableChart(t.health, 'line', d, { overMonths: true })} ${renderTable(t.health)}
            ${t.healthMethod === null ? '' : html`${tableChart(t.healthMethod, 'bar', d, { horizontal: true })} ${renderTable(t.healthMethod)}`}
            <p class="small">
              Health data follow the NHS rule for small numbers wherever they are shown:
              ${d.policy.healthMinimum > 0 ? `counts of 1–${d.policy.healthMinimum - 1} are not published` : 'nothing is withheld in this version'};
              a table mixing police and health figures follows the stricter rule.
            </p>`,
    )}
    ${section(
      'method',
      html`<h3>Disclosure control</h3>
        <p>
          ${d.policy.description}. Charts leave out the figures not published; the table under each
          chart gives every published figure.
        </p>
        <h3>Parameters of each analysis</h3>
        <p class="small">
          Automatic: chosen by svd from the data or a fixed default, with the reason.
        </p>
        <table>
          <thead>
            <tr>
              <th>Analysis</th>
              <th>Parameter</th>
              <th>Value</th>
              <th>How chosen</th>
            </tr>
          </thead>
          <tbody>
            ${paramRows(d.params).map(
              (r) =>
                html`<tr>
                  <td>${r.analyses.join(', ')}</td>
                  <td>${r.name}</td>
                  <td>${r.value}</td>
                  <td>${r.chosen}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${renderWarnings(d)}
        <h3>Manifest</h3>
        <table class="control">
          <tbody>
            <tr>
              <th>Software</th>
              <td>${d.software.name} ${d.software.version}</td>
            </tr>
            <tr>
              <th>Definition</th>
              <td>
                ${d.definition.id}@${d.definition.version}, sha256 <code>${d.definition.hash}</code>
              </td>
            </tr>
          </tbody>
        </table>
        <p class="small">Title, area, period, audience and author: see the document control.</p>
        <h3>Data batches</h3>
        ${batchTable(d)}
        <p class="small">
          The HTML version of this report also holds every published figure in machine-readable form
          (the element <code>sna-data</code>).
        </p>`,
    )}
    ${trusted(`<script type="application/json" id="sna-data">${scriptJson(snaDataJson(d))}</script>`)}
  `;
  return page(title, body, SNA_STYLE);
}

/** "1 June 2024, 09:30 UTC" from the ISO generation time (kept as given if it is not one). */
function generatedWords(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const date = t.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `${date}, ${t.toISOString().slice(11, 16)} UTC`;
}

/**
 * The analyses' warnings, each message once: those whose details are withheld in one sentence,
 * the SYNTHETIC ones left to the cover and the caveats, which say it already.
 */
function renderWarnings(d: DisclosedSna): SafeHtml {
  const withheld = `(${WITHHELD_DETAILS})`;
  const counts = new Map<string, number>();
  const hidden = new Set<string>();
  for (const w of d.warnings) {
    if (w.code === 'SYNTHETIC') continue;
    if (w.message.endsWith(withheld)) hidden.add(w.message.slice(0, -withheld.length).trim());
    else counts.set(w.message, (counts.get(w.message) ?? 0) + w.count);
  }
  if (counts.size === 0 && hidden.size === 0) return html``;
  return html`<h3>Warnings</h3>
    <ul>
      ${[...counts].map(([m, n]) => html`<li>${m}${n > 1 ? ` (${n} times)` : ''}</li>`)}
      ${
        hidden.size === 0
          ? ''
          : html`<li>
              Also raised, their details not published to protect confidentiality:
              ${[...hidden].join('; ')}.
            </li>`
      }
    </ul>`;
}

function batchTable(d: DisclosedSna): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th>Batch</th>
        <th>Kind</th>
        <th>File</th>
        <th class="num">Rows stored</th>
        <th>sha256</th>
      </tr>
    </thead>
    <tbody>
      ${d.batches.map(
        (b) =>
          html`<tr>
            <td class="num">${b.id}</td>
            <td>${b.kind}${b.synthetic ? ' (SYNTHETIC)' : ''}</td>
            <td>${b.file}</td>
            <td class="num">${b.rows === null ? SUPPRESSED_MARK : formatNumber(b.rows)}</td>
            <td class="hash">${b.sha256}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
