/**
 * The strategy in a workspace, worked by hand: force-extract records with knife flags and victim
 * ages, a strategy with count, share and rolling measures; a missing month shown as missing; a
 * review opened, commented on (with hostile text), consulted on and closed; and the closed review
 * unchanged — figures, report and stored rows — after new data are ingested and the definition is
 * edited and re-run, while the live measures move.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import type { MeasuresResult } from '../../src/strategy/evaluateMeasures.js';
import type { ReviewDetail } from '../../src/strategy/reviews.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { insertIncidents, type TestIncident } from '../helpers/incidents.js';
import { REPO, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const db = path.join(dir, 'strategy.duckdb');
const STRATEGY = path.join(REPO, 'tests', 'fixtures', 'strategy', 'test-strategy.yaml');
const env = { SVD_TODAY: '2024-07-15' };
const HOSTILE = `=cmd|' /C calc'!A0 <script>alert("x")</script> & more`;

const run = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  svd([...args, '--db', db], env, dir);
const json = async <T>(args: string[]): Promise<T> => {
  const r = await run([...args, '--json']);
  if (r.code !== 0) throw new Error(`svd ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

/** Knife-enabled assaults (8N) by month: [all, of which victims under 25]. */
const KNIFE: Record<string, [number, number]> = {
  '2023-04': [4, 2],
  '2023-05': [3, 1],
  '2023-06': [3, 1],
  '2024-04': [2, 1],
  '2024-05': [3, 1],
  '2024-06': [3, 2],
};
const MONTHS = [
  '2023-04',
  '2023-05',
  '2023-06',
  '2023-07',
  '2023-08',
  '2023-09',
  '2023-10',
  /* 2023-11 never delivered */ '2023-12',
  '2024-01',
  '2024-02',
  '2024-03',
  '2024-04',
  '2024-05',
  '2024-06',
];

function records(): TestIncident[] {
  const rows: TestIncident[] = [];
  for (const month of MONTHS) {
    const [all, young] = KNIFE[month] ?? [1, 0];
    for (let i = 0; i < all; i++)
      rows.push({
        month,
        offence_code: '8N',
        flag_knife: true,
        flag_domestic: false,
        victim_age: i < young ? 19 : 34,
      });
    rows.push({ month, offence_code: '58A', flag_knife: false, victim_age: 40 }); // not serious violence
  }
  return rows;
}

beforeAll(async () => {
  const ws = await openWorkspace(db);
  await insertIncidents(ws, records());
  ws.close();
  expect(
    (await run(['classify', '--definition', 'home-office-success-measures', '--quiet'])).code,
  ).toBe(0);
  const imported = await run(['strategy', 'import', STRATEGY]);
  expect(imported.code, imported.stderr).toBe(0);
});

describe('measures, worked by hand', () => {
  let result: MeasuresResult;
  beforeAll(async () => {
    result = await json<MeasuresResult>(['measures']);
  });

  it('evaluates to the latest month with data, announced', async () => {
    expect(result.dataTo).toBe('2024-06');
    const r = await run(['measures']);
    expect(r.stderr).toContain(
      'measures evaluated to 2024-06, the latest month with data (change with --to)',
    );
  });

  it('a count: 8 in 2024-Q2 against 10 in 2023-Q2, on track for a 30% cut by March 2025', () => {
    const m = result.measures.find((x) => x.id === 'knife')!;
    expect(m.current).toMatchObject({
      period: '2024-Q2',
      count: 8,
      value: 8,
      small: true,
      missing: null,
    });
    // Exact Poisson 95% interval for 8 (Garwood): 3.4538–15.7632.
    expect(m.current!.lower).toBeCloseTo(3.4538, 3);
    expect(m.current!.upper).toBeCloseTo(15.7632, 3);
    expect(m.baseline).toMatchObject({ period: '2023-Q2', value: 10 });
    expect(m.comparison).toMatchObject({ change: -2, percentChange: -20, distinguishable: false });
    // Target 7; 366 of the 640 days from July 2023 to April 2025 gone: expected 10 − 3 × 366/641.
    expect(m.assessment.targetValue).toBe(7);
    expect(m.assessment.expected).toBeCloseTo(10 - 3 * (366 / 640), 6);
    expect(m.assessment.status).toBe('on-track');
    expect(m.provenance.definitions.map((d) => `${d.id}@${d.version}`)).toEqual([
      'home-office-success-measures@1',
    ]);
    expect(m.provenance.batches).toHaveLength(1);
  });

  it('a share with its Wilson interval: 4 of 8', () => {
    const m = result.measures.find((x) => x.id === 'knife-u25-share')!;
    expect(m.current).toMatchObject({ count: 4, denominator: 8, value: 0.5 });
    expect(m.current!.lower).toBeCloseTo(0.2152, 3);
    expect(m.current!.upper).toBeCloseTo(0.7848, 3);
    expect(m.baseline).toMatchObject({ count: 4, denominator: 10, value: 0.4 });
    expect(m.assessment.status).toBe('no-target');
  });

  it('a period with a month that holds no data is missing, not zero', () => {
    const m = result.measures.find((x) => x.id === 'knife-rolling')!;
    expect(m.current).toMatchObject({
      period: '2024-06',
      value: null,
      count: null,
      missing: { months: ['2023-11'], reason: 'no data for 1 of its 12 months' },
    });
    const quarterly = result.measures.find((x) => x.id === 'knife')!;
    const q4 = quarterly.series.find((p) => p.period === '2023-Q4')!;
    expect(q4.value).toBeNull();
    expect(q4.missing?.months).toEqual(['2023-11']);
    expect(quarterly.series.find((p) => p.period === '2023-Q3')!.value).toBe(3);
  });

  it('a tier no record can reach is missing, with the reason', () => {
    const m = result.measures.find((x) => x.id === 'admissions')!;
    expect(m.current).toBeNull();
    expect(m.assessment.status).toBe('missing');
    expect(m.problem).toContain(
      'needs icd10_cause, which no record in this workspace carries: the measure is missing, not zero',
    );
  });
});

describe('actions', () => {
  it('lists overdue actions and filters by owner, by the pinned day', async () => {
    const overdue = await json<{ id: string; daysOverdue: number }[]>([
      'actions',
      'list',
      '--overdue',
    ]);
    expect(overdue.map((a) => [a.id, a.daysOverdue])).toEqual([['school-talks', 106]]);
    const inspector = await json<{ id: string }[]>(['actions', 'list', '--owner', 'inspector']);
    expect(inspector.map((a) => a.id)).toEqual(['patrols']);
    const table = await run(['actions', 'list']);
    expect(table.stdout).toContain('2 actions; 1 overdue as of 2024-07-15');
  });
});

describe('a review, closed and frozen', () => {
  let closed: ReviewDetail;
  let frozenHtml: string;
  let frozenRows: Record<string, string>;

  beforeAll(async () => {
    expect((await run(['review', 'start', '--title', 'Summer review'])).code).toBe(0);
    const again = await run(['review', 'start']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('review 1 (Summer review) is still open');
    expect(
      (
        await run([
          'review',
          'comment',
          HOSTILE,
          '--on',
          'action:school-talks',
          '--author',
          '<img src=x onerror=alert(1)>',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await run([
          'review',
          'consult',
          '--body',
          'Banbury Academy',
          '--kind',
          'school',
          '--date',
          '2024-07-01',
          '--method',
          'meeting',
        ])
      ).code,
    ).toBe(0);
    const update = await json<{ reviewChange: { from_status: string; to_status: string } }>([
      'actions',
      'update',
      'school-talks',
      '--status',
      'completed',
      '--rag',
      'green',
      '--note',
      'All talks given',
    ]);
    expect(update.reviewChange).toMatchObject({
      from_status: 'in-progress',
      to_status: 'completed',
    });
    closed = await json<ReviewDetail>(['review', 'close', '--summary', 'Good progress']);
    frozenHtml = (await run(['report', 'review', '--review', '1', '--audience', 'analyst'])).stdout;
    frozenRows = await storeFingerprint(db);
  });

  it('freezes the figures with their provenance', () => {
    expect(closed.review).toMatchObject({
      status: 'closed',
      data_to: '2024-06',
      summary: 'Good progress',
    });
    expect(closed.measures.find((m) => m.id === 'knife')!.current!.value).toBe(8);
    expect(closed.provenance.map((p) => `${p.kind} ${p.ref}`)).toEqual([
      'strategy revision 2',
      'definition home-office-success-measures@1',
      'batch 1',
    ]);
    expect(closed.provenance.find((p) => p.kind === 'definition')!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(closed.actionChanges).toHaveLength(1);
    expect(closed.consultations[0]).toMatchObject({
      body: 'Banbury Academy',
      body_kind: 'school',
      consulted_on: '2024-07-01',
    });
  });

  it('refuses to record anything more in a closed review', async () => {
    const r = await run(['review', 'comment', 'late', '--review', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a closed review is frozen and records nothing more');
  });

  it('review show without an id shows the latest review and says which', async () => {
    const r = await run(['review', 'show', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('review 1 (');
    expect(r.stderr).toContain('the latest review (closed');
    const shown = JSON.parse(r.stdout) as ReviewDetail;
    expect(shown.review.review_id).toBe(closed.review.review_id);
    expect(shown.measures).toEqual(closed.measures);
  });

  it('review show without an id in a workspace with no review says how to start one', async () => {
    const empty = path.join(dir, 'no-review.duckdb');
    (await openWorkspace(empty)).close();
    const r = await svd(['review', 'show', '--db', empty], env, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no review in this workspace yet');
    expect(r.stderr).toContain('svd review start');
  });

  it('is unchanged after new data are ingested and the definition is edited and re-run', async () => {
    // New records in the review's months, and a police.uk month.
    const ws = await openWorkspace(db);
    await insertIncidents(ws, [
      {
        month: '2024-05',
        offence_code: '8N',
        flag_knife: true,
        flag_domestic: false,
        victim_age: 17,
      },
      {
        month: '2024-06',
        offence_code: '8N',
        flag_knife: true,
        flag_domestic: false,
        victim_age: 16,
      },
      {
        month: '2023-11',
        offence_code: '8N',
        flag_knife: true,
        flag_domestic: false,
        victim_age: 50,
      },
    ]);
    ws.close();
    expect(
      (
        await run([
          'ingest',
          'police-uk',
          path.join(TV_STREET(), '2024-03-thames-valley-street.csv'),
          '--quiet',
        ])
      ).code,
    ).toBe(0);
    // Before re-classifying, the live measures say the new records are not classified.
    const stale = await json<MeasuresResult>(['measures', '--measure', 'knife']);
    expect(stale.measures[0]!.current!.missing?.reason).toContain(
      'records were added after the classification',
    );
    // Edit the definition: robbery drops out of the knife-enabled offences.
    const shipped = readFileSync(
      path.join(REPO, 'definitions', 'home-office-success-measures.yaml'),
      'utf8',
    );
    const editedFile = path.join(dir, 'home-office-edited.yaml');
    writeFileSync(
      editedFile,
      shipped.replace('          - 34A # robbery of business property\n', ''),
    );
    expect((await run(['classify', '--definition', editedFile, '--quiet'])).code).toBe(0);
    const live = await json<MeasuresResult>(['measures']);
    const knife = live.measures.find((m) => m.id === 'knife')!;
    expect(knife.current!.value).toBe(10);
    expect(knife.provenance.definitions[0]!.version).toBe(2);
    expect(live.measures.find((m) => m.id === 'knife-rolling')!.current!.value).not.toBeNull();

    const after = await json<ReviewDetail>(['review', 'show', '1']);
    expect(after).toEqual(closed);
    expect((await run(['report', 'review', '--review', '1', '--audience', 'analyst'])).stdout).toBe(
      frozenHtml,
    );
    const rows = await storeFingerprint(db);
    for (const table of [
      'reviews',
      'review_measures',
      'review_provenance',
      'review_commentary',
      'review_action_changes',
      'review_consultations',
    ])
      expect(rows[table], table).toBe(frozenRows[table]);
    expect(rows['incidents']).not.toBe(frozenRows['incidents']);
  });

  it('history says what changed between reviews', async () => {
    expect((await run(['review', 'start', '--title', 'Winter review'])).code).toBe(0);
    expect((await run(['actions', 'update', 'patrols', '--status', 'in-progress'])).code).toBe(0);
    expect((await run(['review', 'close'])).code).toBe(0);
    const history = await json<
      {
        review: { review_id: number };
        measures: { id: string; before: { value: number } | null; after: { value: number } }[];
        actions: { id: string; before: { status: string }; after: { status: string } }[];
      }[]
    >(['review', 'history']);
    expect(history.map((h) => h.review.review_id)).toEqual([1, 2]);
    const knife = history[1]!.measures.find((m) => m.id === 'knife')!;
    expect([knife.before?.value, knife.after.value]).toEqual([8, 10]);
    expect(history[1]!.actions).toEqual([
      {
        id: 'patrols',
        title: 'Patrols',
        before: { status: 'not-started', rag: null },
        after: { status: 'in-progress', rag: null },
      },
    ]);
  });
});

describe('the strategy file through the command line', () => {
  it('export writes the strategy as it stands; importing it again changes nothing', async () => {
    const out = path.join(dir, 'exported.yaml');
    expect((await run(['strategy', 'export', '--out', out])).code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('status: completed'); // the action closed during the review
    expect(text).toContain('text: All talks given');
    const again = await run(['strategy', 'import', out]);
    expect(again.stdout).toMatch(
      /^unchanged: test-strategy is already the strategy held \(revision \d+/,
    );
    const revisions = await json<{ reason: string }[]>(['strategy', 'revisions']);
    expect(revisions.map((r) => r.reason)).toEqual([
      'imported',
      'school-talks: status in-progress → completed, RAG amber → green, progress update',
      'patrols: status not-started → in-progress',
    ]);
  });

  it('a bad file is refused (exit 3) with every problem at its place, and nothing stored', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      readFileSync(STRATEGY, 'utf8')
        .replace('due: 2024-03-31', 'due: 2024-02-30x')
        .replace('kind: police', 'kind: constabulary'),
    );
    const before = await storeFingerprint(db);
    const r = await run(['strategy', 'import', 'bad.yaml']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'error[STRATEGY_INVALID]: bad.yaml: the strategy has 2 problems; nothing was stored',
    );
    expect(r.stderr).toMatch(
      /bad\.yaml, line 22: priorities\[0\]\.actions\[0\]\.due: "2024-02-30x" is not a date/,
    );
    expect(r.stderr).toMatch(
      /priorities\[0\]\.actions\[1\]\.lead\.kind: unknown kind "constabulary"/,
    );
    expect(await storeFingerprint(db)).toEqual(before);
    expect((await run(['strategy', 'validate', bad])).code).toBe(3);
  });

  it('help lists the new commands', async () => {
    const r = await svd(['--help']);
    for (const c of ['strategy', 'actions', 'measures', 'review', 'report'])
      expect(r.stdout).toContain(c);
  });
});

describe('reports keep partner text inert', () => {
  it('HTML escapes commentary, names and titles; no script anywhere', async () => {
    const r = await run(['report', 'review', '--review', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('audience: public');
    const html = r.stdout;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).toContain(
      '=cmd|&#39; /C calc&#39;!A0 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more',
    );
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Test strategy &lt;with markup&gt;');
    // Public: the quarter's 8 knife-enabled offences are shown (8 ≥ 5); shares of 4 are withheld.
    expect(html).toMatch(/<td class="num">\[c\]<\/td>/);
  });

  it('CSV keeps a formula as text', async () => {
    const r = await run([
      'report',
      'review',
      '--review',
      '1',
      '--format',
      'csv',
      '--audience',
      'analyst',
    ]);
    const line = r.stdout.split('\r\n').find((l) => l.startsWith('commentary,'))!;
    expect(line).toBe(
      `commentary,school-talks,<img src=x onerror=alert(1)>,2024-07-15T12:00:00Z,,,,,"'${HOSTILE.replace(/"/g, '""')}"`,
    );
  });

  const chromium = existsSync('/usr/bin/chromium');
  it.runIf(chromium || process.env['CI'] !== undefined)(
    'PDF: printed by Chromium, headings and the hostile text as plain text',
    async () => {
      const pdf = path.join(dir, 'review-1.pdf');
      const r = await run(['report', 'review', '--review', '1', '--out', pdf]);
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      for (const heading of [
        'Summer review',
        'Measures against targets',
        'Actions',
        'Commentary',
        'Consultation (s8(4))',
        'Method and data',
      ])
        expect(text).toContain(heading);
      expect(text).toContain(`<script>alert("x")</script>`);
      const pages = Number(
        /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))![1],
      );
      expect(pages).toBeGreaterThanOrEqual(2);
      execFileSync('pdftoppm', ['-r', '40', '-png', pdf, path.join(dir, 'page')]);
      expect(readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f))).toHaveLength(pages);
    },
  );
});
