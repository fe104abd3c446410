/** The page every report shares: self-contained (inline style, no scripts, no fetches), A4 print. */
import { html, trusted, type HtmlValue, type SafeHtml } from './html.js';
import type { ShownMeasure } from './discloseMeasure.js';

const STYLE = trusted(`
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #1b1b1b; margin: 0; line-height: 1.4; }
main { max-width: 190mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 19pt; margin: 0 0 2mm; color: #0b3d5c; }
h2 { font-size: 14pt; margin: 8mm 0 2mm; color: #0b3d5c; border-bottom: 1px solid #0b3d5c; break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 1mm; break-after: avoid; }
p.meta { color: #444; margin: 0 0 1mm; }
.banner { border: 2px solid #b35900; background: #fff4e5; padding: 2mm 3mm; margin: 3mm 0; font-weight: bold; }
.draft { border-color: #8a1c1c; background: #fdecec; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; break-inside: auto; font-size: 8.5pt; }
tr { break-inside: avoid; }
table.measures { table-layout: fixed; }
table.measures td { overflow-wrap: anywhere; }
th, td { border: 1px solid #c8c8c8; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eef3f7; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.status { font-weight: bold; white-space: nowrap; }
.met, .on-track { color: #1d6b2f; }
.within-tolerance { color: #8a5a00; }
.off-track, .missed { color: #a11d1d; }
.missing, .no-target { color: #555; }
.small { color: #555; font-size: 8.5pt; }
blockquote { margin: 1mm 0 2mm; padding: 1mm 3mm; border-left: 3px solid #9bb7cc; background: #f7f9fb; white-space: pre-wrap; overflow-wrap: anywhere; }
svg.spark { vertical-align: middle; width: 100%; height: auto; max-width: 64px; }
td.num .small { white-space: normal; }
ul.tight { margin: 1mm 0; padding-left: 5mm; }
`);

export function page(title: string, body: HtmlValue, extraStyle?: SafeHtml): string {
  return `<!DOCTYPE html>\n${
    html`<html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          http-equiv="Content-Security-Policy"
          content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        />
        <title>${title}</title>
        <style>
          ${STYLE}${extraStyle}
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`.text
  }\n`;
}

/** A small line chart of a measure over time (inline SVG); gaps where data are missing or withheld. */
export function sparkline(m: ShownMeasure): SafeHtml {
  const points = m.series.map((p) => p.plotted);
  const values = points.filter((v): v is number => v !== null);
  if (values.length < 2) return html``;
  const w = 64;
  const h = 22;
  const max = Math.max(...values);
  const min = Math.min(0, ...values);
  const x = (i: number): number =>
    points.length === 1 ? w / 2 : (i / (points.length - 1)) * (w - 4) + 2;
  const y = (v: number): number => h - 2 - ((v - min) / (max - min || 1)) * (h - 4);
  const runs: string[] = [];
  let run = '';
  points.forEach((v, i) => {
    if (v === null) {
      if (run !== '') runs.push(run);
      run = '';
    } else run += `${run === '' ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  if (run !== '') runs.push(run);
  const dots = points
    .map((v, i) =>
      v === null
        ? ''
        : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2" fill="#0b3d5c"/>`,
    )
    .join('');
  return trusted(
    `<svg class="spark" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="trend"><path d="${runs.join('')}" fill="none" stroke="#0b3d5c" stroke-width="1.2"/>${dots}</svg>`,
  );
}

export function measuresTable(measures: readonly ShownMeasure[]): SafeHtml {
  return html`<table class="measures">
      <thead>
        <tr>
          <th style="width:20%">Measure</th>
          <th style="width:10%">Period</th>
          <th style="width:7%">Value</th>
          <th style="width:10%">95% interval</th>
          <th style="width:9%">Baseline</th>
          <th style="width:11%">Change from baseline</th>
          <th style="width:10%">Target</th>
          <th style="width:13%">Status</th>
          <th style="width:10%">Trend</th>
        </tr>
      </thead>
      <tbody>
        ${measures.map(
          (m) =>
            html`<tr>
              <td>
                ${m.title}
                <div class="small">${m.id} · ${m.unit}</div>
              </td>
              <td>${m.current === null ? '—' : m.current.description}</td>
              <td class="num">${m.current?.value ?? '—'}</td>
              <td class="num">${m.current?.interval ?? ''}</td>
              <td class="num">
                ${
                  m.baseline === null
                    ? '—'
                    : html`${m.baseline.value}
                        <div class="small">${m.baseline.period}</div>`
                }
              </td>
              <td>${m.change ?? '—'}</td>
              <td class="num">
                ${
                  m.target === null
                    ? '—'
                    : html`${m.target}
                        <div class="small">by ${m.targetBy}</div>`
                }
              </td>
              <td>
                <span class="status ${m.status}">${m.statusLabel}</span>
                <div class="small">${m.statusReason}</div>
              </td>
              <td>${sparkline(m)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${measureNotes(measures)}`;
}

function measureNotes(measures: readonly ShownMeasure[]): SafeHtml {
  const notes = measures.flatMap((m) => [
    ...(m.problem === null ? [] : [`${m.id}: ${m.problem}`]),
    ...(m.current?.missing == null
      ? []
      : [`${m.id}, ${m.current.period}: ${m.current.missing} — shown as missing, not zero`]),
    ...(m.baseline?.missing == null
      ? []
      : [`${m.id}, baseline ${m.baseline.period}: ${m.baseline.missing}`]),
    ...m.notes.map((n) => `${m.id}: ${n}`),
  ]);
  return notes.length === 0
    ? html``
    : html`<ul class="tight small">
        ${notes.map((n) => html`<li>${n}</li>`)}
      </ul>`;
}
