/**
 * `svd report sna` on a small workspace built through the real commands: two police.uk months of
 * Thames Valley, a seeded synthetic force extract and A&E data anchored on them, Oxford's LSOA
 * boundaries, the lookup, a partnership configuration, Census 2021 population and IMD 2019,
 * classified under the Thames Valley VRU definition. Checks the figures against an independent
 * count, the golden HTML (regenerate with UPDATE=1), the PDF (pages, headings, images), hostile
 * free text in every export, and the errors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { svd } from '../helpers/cli.js';
import { REPO, TV_STREET, sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const db = path.join(dir, 'sna.duckdb');
const MONTHS = ['2024-01', '2024-02'];
const GOLDEN = path.join(REPO, 'tests', 'fixtures', 'sna', 'oxford-public.html');
const HOSTILE_NAME = `Oxford </script><script>alert("name")</script> =cmd|' /C calc'!A0`;
const COMMENTARY = `# Commentary

## summary
The picture is **stable**; see *trends*.
<script>alert("summary")</script>

## trends
- =cmd|' /C calc'!A0
- <img src=x onerror=alert(1)>

## knife
=cmd|' /C calc'!A0
`;

async function run(args: string[], withDb = true): Promise<string> {
  const r = await svd([...args, ...(withDb ? ['--db', db] : []), '--quiet'], {}, dir);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

const REPORT = ['report', 'sna', '--area', 'oxford', '--period', '2024-01..2024-02'];
const REPORT_FIXED = [...REPORT, '--definition', 'thames-valley-vru', '--as-of', '2024-06-01'];

beforeAll(async () => {
  const months = MONTHS.map((m) => path.join(TV_STREET(), `${m}-thames-valley-street.csv`));
  await run(['ingest', 'police-uk', ...months]);
  await run(
    ['synth', 'force-extract', '--from', ...months, '--seed', '5', '--out', 'extract.csv'],
    false,
  );
  await run(['ingest', 'force-extract', 'extract.csv', '--mapping', 'svd-synthetic']);
  await run(['synth', 'istv', '--from', ...months, '--seed', '5', '--out', 'istv.csv'], false);
  await run(['ingest', 'istv', 'istv.csv']);
  await run([
    'geo',
    'load',
    sharedData('boundaries', 'lsoa-2011-by-lad', 'E07000178.geojson'),
    '--level',
    'lsoa11',
  ]);
  await run([
    'geo',
    'lookup',
    sharedData('lookups', 'oa11-lsoa11-msoa11-lad17-rgn11-oac11-lookup.csv.gz'),
  ]);
  await run(['geo', 'partnerships']);
  await run([
    'population',
    'load',
    sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
  ]);
  await run([
    'deprivation',
    'load',
    sharedData('imd', 'File_2_-_IoD2019_Domains_of_Deprivation.csv.gz'),
  ]);
  await run([
    'indicators',
    'load',
    sharedData('indicators', 'iod2025', 'imd2025_england_lsoa21.csv.gz'),
    sharedData('indicators', 'iod2025', 'imd2025_england_lsoa21_subdomains.csv.gz'),
  ]);
  await run([
    'indicators',
    'load',
    sharedData('indicators', 'lait', 'lait-sv-indicators-all-la.csv.gz'),
    '--dictionary',
    sharedData('indicators', 'lait', 'lait_data_dictionary.csv'),
  ]);
  await run(['classify', '--definition', 'thames-valley-vru']);
}, 600_000);

interface SnaJson {
  audience: string;
  tables: Record<
    string,
    {
      rows: string[];
      columns: string[];
      cells: (number | null)[][];
      columnTotals: (number | null)[];
      total: number | null;
    } | null
  >;
  summary: string[];
  manifest: { batches: { sha256: string; kind: string }[]; generatedAt: string };
  definition: { id: string; version: number; hash: string };
  params: { analysis: string; params: Record<string, { automatic: boolean }> }[];
}

function snaJson(html: string): SnaJson {
  const m = /<script type="application\/json" id="sna-data">([\s\S]*?)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as SnaJson;
}

/** The golden form: timestamps, version and map outlines (megabytes of coordinates) left out. */
function normalise(html: string): string {
  return html
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '{{TIME}}')
    .replace(/svd \d+\.\d+\.\d+/g, 'svd {{VERSION}}')
    .replace(/"version":"\d+\.\d+\.\d+"/g, '"version":"{{VERSION}}"')
    .replace(/<path d="M[^"]*" fill=/g, '<path d="…" fill=')
    .replace(/(\d+\.\d{3})\d+/g, '$1');
}

describe('svd report sna', () => {
  it('counts what svd counts counts, and the analyst sees what the public does not', async () => {
    const analyst = await run([...REPORT_FIXED, '--audience', 'analyst', '--out', 'analyst.html']);
    expect(analyst).toBe('');
    const a = snaJson(readFileSync(path.join(dir, 'analyst.html'), 'utf8'));
    const counts = JSON.parse(
      await run([
        'counts',
        '--by',
        'tier',
        '--where',
        'csp_code=oxford',
        '--where',
        'month=2024-01..2024-02',
        '--definition',
        'thames-valley-vru',
        '--json',
      ]),
    ) as { tier: string; n: number }[];
    const primary = counts.find((c) => c.tier === 'primary')!.n;
    expect(a.tables['volumes']!.columnTotals[0]).toBe(primary);
    expect(a.tables['trend']!.total).toBe(primary);
    expect(a.tables['domestic']!.total).toBe(primary);
    expect(a.summary[0]).toContain(
      `${primary.toLocaleString('en-GB')} records of serious violence`,
    );
    expect(a.definition).toMatchObject({ id: 'thames-valley-vru', version: 2 });
    expect(a.definition.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.manifest.batches.map((b) => b.kind)).toEqual(
      expect.arrayContaining(['police-uk-street', 'force-extract', 'istv']),
    );
    for (const b of a.manifest.batches) expect(b.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Every automatic parameter of the analyses is in the appendix.
    const automatic = a.params.flatMap((p) =>
      Object.entries(p.params)
        .filter(([, v]) => v.automatic)
        .map(([k]) => `${p.analysis}:${k}`),
    );
    expect(automatic).toEqual(
      expect.arrayContaining([
        'hotspots:cell size',
        'hotspots:bandwidth',
        'trends:confidence',
        'when:maxSpanHours',
      ]),
    );
    const analystCells = Object.values(a.tables).flatMap((t) => t?.cells.flat() ?? []);
    expect(analystCells).not.toContain(null);
    expect(analystCells.some((v) => v !== null && v > 0 && v < 5)).toBe(true);

    await run([...REPORT_FIXED, '--out', 'public.html']);
    const html = readFileSync(path.join(dir, 'public.html'), 'utf8');
    const p = snaJson(html);
    expect(p.audience).toBe('public');
    const publicCells = Object.values(p.tables).flatMap((t) => t?.cells.flat() ?? []);
    expect(publicCells).toContain(null);
    for (const v of publicCells) if (v !== null) expect(v === 0 || v >= 5).toBe(true);
    expect(html).toContain('url(#svd-withheld)');
    expect(html).not.toMatch(/<script(?! type="application\/json" id="sna-data")/);
  });

  it('matches the golden HTML (UPDATE=1 rewrites it)', async () => {
    await run([...REPORT_FIXED, '--out', 'golden.html']);
    const got = normalise(readFileSync(path.join(dir, 'golden.html'), 'utf8'));
    if (process.env['UPDATE'] === '1') {
      mkdirSync(path.dirname(GOLDEN), { recursive: true });
      writeFileSync(GOLDEN, got);
    }
    expect(got).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('prints a PDF with a contents page, page numbers, every heading, and pages that render', async () => {
    await run([...REPORT_FIXED, '--format', 'pdf', '--out', 'sna.pdf']);
    const pdf = path.join(dir, 'sna.pdf');
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(12);
    expect(pages).toBeLessThanOrEqual(40);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    const headings = [
      'Contents',
      '1. Executive summary',
      '2. Definition of serious violence',
      '3. Data sources, coverage and caveats',
      '4. Volumes and rates by district',
      '5. Trends',
      '6. Where: areas and hotspots',
      '7. When: day of week and time of day',
      '8. Who: victims by age and sex',
      '9. Domestic abuse',
      '10. Knife crime',
      '11. Drug supply and county lines',
      '12. Deprivation',
      '13. Causes and risk factors',
      '14. Police beside health',
      '15. Appendix: method, parameters and provenance',
    ];
    let at = 0;
    for (const h of headings) {
      const i = text.indexOf(h, at);
      expect(i, h).toBeGreaterThanOrEqual(0);
      at = i;
    }
    expect(text).toContain(`1 / ${pages}`);
    expect(text).toContain(`${pages} / ${pages}`);
    // The contents (after the key findings and the document control) lists the page each
    // section starts on, and it is the page it starts on.
    const pageText = (n: number, layout = true): string =>
      execFileSync(
        'pdftotext',
        ['-f', `${n}`, '-l', `${n}`, ...(layout ? ['-layout'] : []), pdf, '-'],
        {
          encoding: 'utf8',
        },
      );
    const contentsPage = [1, 2, 3].find((n) => /^\s*Contents\s*$/m.test(pageText(n)))!;
    expect(contentsPage).toBeDefined();
    const contents = pageText(contentsPage);
    for (const h of headings.slice(1)) {
      const listed = new RegExp(`${h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ .]+(\\d+)`).exec(
        contents,
      );
      expect(listed, h).not.toBeNull();
      const first = execFileSync('pdftotext', ['-f', listed![1]!, '-l', listed![1]!, pdf, '-'], {
        encoding: 'utf8',
      });
      expect(first.trimStart().startsWith(h), `${h} on page ${listed![1]}`).toBe(true);
    }
    // The contents page ends the front matter: the summary starts on the page after it.
    expect(
      pageText(contentsPage + 1, false)
        .trimStart()
        .startsWith('1. Executive summary'),
    ).toBe(true);
    const images = path.join(dir, 'pages');
    mkdirSync(images, { recursive: true });
    execFileSync('pdftoppm', [
      '-r',
      '40',
      '-png',
      '-f',
      '1',
      '-l',
      '8',
      pdf,
      path.join(images, 'p'),
    ]);
    const pngs = readdirSync(images).filter((f) => f.endsWith('.png'));
    expect(pngs.length).toBe(8);
    for (const f of pngs) expect(statSync(path.join(images, f)).size).toBeGreaterThan(2000);
  }, 120_000);

  it('opens as a board paper: key findings, document control, approvals and a marking on every page', async () => {
    await run([
      ...REPORT_FIXED,
      '--audience',
      'partner',
      '--author',
      'A. Analyst, Community Safety',
      '--report-version',
      'v1.2 for board',
      '--approved-by',
      'Partnership board (chair);B. Chair;2024-06-12;approved',
      '--format',
      'pdf',
      '--out',
      'board.pdf',
    ]);
    const pdf = path.join(dir, 'board.pdf');
    const pages = Number(
      /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1],
    );
    const pageText = (n: number): string =>
      execFileSync('pdftotext', ['-f', `${n}`, '-l', `${n}`, '-layout', pdf, '-'], {
        encoding: 'utf8',
      });
    // The marking at the top and at the bottom (above the page number) of every page.
    for (let n = 1; n <= pages; n++) {
      const lines = pageText(n)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && l !== '\f');
      expect(lines[0], `top of page ${n}`).toBe('OFFICIAL-SENSITIVE');
      expect(lines.at(-1), `page number of page ${n}`).toBe(`${n} / ${pages}`);
      expect(lines.at(-2), `bottom of page ${n}`).toBe('OFFICIAL-SENSITIVE');
    }
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    const at = (s: string): number => text.indexOf(s);
    // Key findings first, then the document control, then the contents, then the sections.
    expect(at('Key findings')).toBeGreaterThan(0);
    expect(at('Key findings')).toBeLessThan(at('Document control'));
    expect(at('Document control')).toBeLessThan(at('Contents'));
    expect(at('Contents')).toBeLessThan(at('1. Executive summary'));
    for (const s of [
      'A. Analyst, Community Safety',
      'v1.2 for board',
      'B. Chair',
      '2024-06-12',
      'approved',
      'Protective marking',
    ])
      expect(text.slice(at('Document control'), at('Contents')), s).toContain(s);

    // The same in HTML: the marking at the top, the findings drawn from the published figures.
    await run([
      ...REPORT_FIXED,
      '--audience',
      'partner',
      '--approved-by',
      'Partnership board (chair)',
      '--out',
      'board.html',
    ]);
    const html = readFileSync(path.join(dir, 'board.html'), 'utf8');
    expect(html.indexOf('<p class="marking" data-marking>OFFICIAL-SENSITIVE</p>')).toBeGreaterThan(
      0,
    );
    expect(html.indexOf('data-marking')).toBeLessThan(html.indexOf('<h1>'));
    const findings = /<ol class="findings">([\s\S]*?)<\/ol>/.exec(html)![1]!;
    const items = [...findings.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.trim());
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.length).toBeLessThanOrEqual(6);
    const counts = JSON.parse(
      await run([
        'counts',
        '--by',
        'tier',
        '--where',
        'csp_code=oxford',
        '--definition',
        'thames-valley-vru',
        '--where',
        'month=2024-01..2024-02',
        '--json',
      ]),
    ) as { tier: string; n: number }[];
    const primary = counts.find((c) => c.tier === 'primary')!.n;
    expect(items[0]).toContain(`${primary.toLocaleString('en-GB')} records of serious violence`);
    expect(items[0]).toContain('the primary tier of thames-valley-vru, version 2');
    // The change is stated in the very words of the summary (one statement everywhere).
    const change = snaJson(html).summary.find((l) => l.includes(' compared with '));
    expect(change).toBeDefined();
    expect(items.some((i) => i.startsWith(change!.replace(/\.$/, '')))).toBe(true);
    // The headline of the executive summary names the tier it counts.
    expect(snaJson(html).summary[0]).toContain('counting the primary tier');
    // The default author is the workspace's partnership's analyst; the approval row given is kept.
    expect(html).toContain('Safer Oxfordshire Partnership analyst');
    expect(html).toContain('<td>Partnership board (chair)</td>');

    // The method appendix reads as prose and tables: no JSON left in it.
    const appendix = html.slice(html.indexOf('<section class="sna" id="method">'));
    const appendixText = appendix
      .slice(0, appendix.indexOf('</section>'))
      .replace(/<style[\s\S]*?<\/style>/g, '')
      .replace(/<[^>]+>/g, ' ');
    expect(appendixText).not.toMatch(/[{}]|":/);
    expect(appendixText).toContain('records analysed');
    expect(appendixText).toContain('95%');
  }, 180_000);

  it('marks the public version only when asked, and refuses a marking it does not know', async () => {
    await run([...REPORT_FIXED, '--out', 'public.html']);
    expect(readFileSync(path.join(dir, 'public.html'), 'utf8')).not.toContain('data-marking');
    await run([...REPORT_FIXED, '--marking', 'OFFICIAL', '--out', 'official.html']);
    expect(readFileSync(path.join(dir, 'official.html'), 'utf8')).toContain(
      '<p class="marking" data-marking>OFFICIAL</p>',
    );
    const bad = await svd([...REPORT_FIXED, '--marking', 'restricted', '--db', db], {}, dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('BAD_MARKING');
    expect(bad.stderr).toContain('OFFICIAL-SENSITIVE');
    const approval = await svd(
      [...REPORT_FIXED, '--approved-by', 'Chair;B. Chair;12/06/2024', '--db', db],
      {},
      dir,
    );
    expect(approval.code).toBe(2);
    expect(approval.stderr).toContain('BAD_APPROVAL');
    expect(approval.stderr).toContain('YYYY-MM-DD');
  });

  it('keeps hostile free text inert in HTML, PDF and CSV', async () => {
    const hostile = path.join(dir, 'hostile.duckdb');
    const config = JSON.parse(
      readFileSync(path.join(REPO, 'config', 'partnerships', 'oxfordshire.json'), 'utf8'),
    ) as { partnerships: { code: string; name: string }[] };
    config.partnerships.find((p) => p.code === 'oxford')!.name = HOSTILE_NAME;
    writeFileSync(path.join(dir, 'hostile.json'), JSON.stringify(config));
    writeFileSync(path.join(dir, 'commentary.md'), COMMENTARY);
    execFileSync('cp', [db, hostile]);
    if (existsSync(`${db}.key`)) execFileSync('cp', [`${db}.key`, `${hostile}.key`]);
    const withHostile = async (args: string[]): Promise<void> => {
      const r = await svd([...args, '--db', hostile, '--quiet'], {}, dir);
      expect(r.code, r.stderr).toBe(0);
    };
    await withHostile(['geo', 'partnerships', path.join(dir, 'hostile.json')]);
    for (const format of ['html', 'pdf', 'csv'])
      await withHostile([
        ...REPORT_FIXED,
        '--commentary',
        'commentary.md',
        '--format',
        format,
        '--out',
        `hostile.${format}`,
      ]);
    const html = readFileSync(path.join(dir, 'hostile.html'), 'utf8');
    // One script element only, the JSON data, and it is never closed early.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;summary&quot;)&lt;/script&gt;');
    expect(html).toContain('<strong>stable</strong>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(snaJson(html).tables).toBeDefined();
    expect(
      (
        JSON.parse(/id="sna-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as {
          area: { name: string };
        }
      ).area.name,
    ).toBe(HOSTILE_NAME);
    const text = execFileSync('pdftotext', [path.join(dir, 'hostile.pdf'), '-'], {
      encoding: 'utf8',
    });
    expect(text).toContain('<script>alert("summary")</script>');
    expect(text).toContain(`=cmd|' /C calc'!A0`);
    const csv = readFileSync(path.join(dir, 'hostile.csv'), 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('section,table,row,column,value');
    // The formula is kept as text: a leading apostrophe, never a leading "=".
    expect(lines).toContain(`knife,commentary,,,'=cmd|' /C calc'!A0`);
    for (const line of lines)
      for (const field of line.split(',')) expect(field).not.toMatch(/^"?[=+@]/);
  }, 180_000);

  it('has --help naming every option the README section uses', async () => {
    const help = await svd(['report', 'sna', '--help']);
    expect(help.code).toBe(0);
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('### The Strategic Needs Assessment report'),
      readme.indexOf('## Partner data'),
    );
    const options = new Set(section.match(/--[a-z][a-z-]+/g) ?? []);
    expect(options.size).toBeGreaterThan(8);
    for (const o of options) expect(help.stdout, o).toContain(o);
  });

  it('says what to fix when the area, period or commentary is wrong', async () => {
    const area = await svd(
      [...REPORT.map((a) => (a === 'oxford' ? 'atlantis' : a)), '--db', db],
      {},
      dir,
    );
    expect(area.code).toBe(3);
    expect(area.stderr).toContain('--area atlantis: no such area');
    expect(area.stderr).toContain('svd areas');
    const period = await svd(
      ['report', 'sna', '--area', 'oxford', '--period', '2024-03..2024-01', '--db', db],
      {},
      dir,
    );
    expect(period.code).toBe(2);
    expect(period.stderr).toContain('2024-03 is after 2024-01');
    writeFileSync(path.join(dir, 'bad.md'), '## weather\nsunny\n');
    const commentary = await svd([...REPORT, '--commentary', 'bad.md', '--db', db], {}, dir);
    expect(commentary.code).toBe(3);
    expect(commentary.stderr).toContain('no section "weather"');
    const announced = await svd(
      [...REPORT.slice(0, 4), '--db', db, '--out', 'defaults.html'],
      {},
      dir,
    );
    expect(announced.code, announced.stderr).toBe(0);
    expect(announced.stderr).toContain('audience: public');
    expect(announced.stderr).toContain('definition: thames-valley-vru@2, the only one classified');
    expect(announced.stderr).toContain('period: 2024-01..2024-02');
  });
});
