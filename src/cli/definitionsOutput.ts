/**
 * What `svd definitions` prints: a definition in plain words, the problems of a file, the changes
 * between two versions. Imported when one of those commands runs (it needs the definitions'
 * schema and compiler, which its help does not).
 */
import { offenceCodes } from '../core/offenceCodes.js';
import { offenceSubcodes } from '../core/offenceSubcodes.js';
import { definitionMeta } from '../definitions/classificationRuns.js';
import { compileDefinition, forEachTest } from '../definitions/compileDefinition.js';
import { describeRuleCondition } from '../definitions/describeCondition.js';
import type { DefinitionDiff } from '../definitions/diffDefinitions.js';
import type { DefinitionIssue } from '../definitions/definitionFile.js';
import { definitionLabel, shortHash } from '../definitions/definitionLabel.js';
import type { ResolvedDefinition } from '../definitions/resolveDefinition.js';
import { proxyNote } from './definitionText.js';
import { formatTable } from './table.js';

function wrap(text: string, width = 96, indent = ''): string[] {
  const words = text.trim().split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width - indent.length) {
      lines.push(indent + line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

export function renderDefinition(resolved: ResolvedDefinition): string {
  const d = resolved.definition;
  const f = d.file;
  const table = offenceCodes();
  const compiled = compileDefinition(d);
  const lines: string[] = [
    `${definitionLabel(d)} — ${f.title}`,
    `sha256 ${d.contentHash}`,
    `coverage ${f.coverage} · effective from ${f.effective_from} · from ${resolved.source === 'file' ? `file ${d.origin}` : resolved.source}`,
  ];
  const note = proxyNote(definitionMeta(d));
  if (note !== null) lines.push(note);
  if (f.description !== undefined) lines.push('', ...wrap(f.description));
  if (f.sources !== undefined)
    lines.push(
      '',
      'Sources:',
      ...f.sources.flatMap((s) =>
        wrap(s, 96, '  - ').map((l, i) => (i === 0 ? l : `    ${l.slice(4)}`)),
      ),
    );
  if (f.notes !== undefined) lines.push('', 'Notes:', ...wrap(f.notes, 96, '  '));
  lines.push('', 'Tiers, in order of precedence (a record takes the first tier it matches):');
  f.tiers.forEach((tier, t) => {
    lines.push(`  ${t + 1}. ${tier.id} — ${tier.label}`);
    for (const slot of compiled.slots.filter((s) => s.tierIndex === t)) {
      lines.push(`     ${slot.rule.id} — ${slot.rule.label}`);
      lines.push(...describeRuleCondition(slot.node, '         ', true));
    }
  });
  const exclusions = compiled.slots.filter((s) => s.kind === 'exclusion');
  if (exclusions.length > 0) {
    lines.push('', 'Exclusions (remove a record from every tier, whatever else it matches):');
    for (const slot of exclusions) {
      lines.push(`     ${slot.rule.id} — ${slot.rule.label}`);
      lines.push(...describeRuleCondition(slot.node, '         ', true));
    }
  }
  const codes = new Set<string>();
  for (const slot of compiled.slots)
    forEachTest(slot.node, (test) => {
      if (test.kind === 'in' && test.field === 'offence_code')
        test.values.forEach((c) => codes.add(c));
    });
  const rows = table.codes.filter((c) => codes.has(c.code));
  if (rows.length > 0) {
    lines.push('', 'Offence codes it names (Home Office reference table shipped with svd):');
    lines.push(
      formatTable(rows, [
        { header: '  code', value: (c) => `  ${c.code}` },
        { header: 'name', value: (c) => c.name },
        { header: 'subgroup', value: (c) => c.subgroup },
        {
          header: 'in force',
          value: (c) =>
            c.inForceFrom === null && c.inForceTo === null
              ? ''
              : `${c.inForceFrom ?? ''}…${c.inForceTo ?? ''}`,
        },
        { header: 'note', value: (c) => (c.certainty === 'uncertain' ? 'uncertain entry' : '') },
      ]),
    );
  }
  const subcodes = new Set<string>();
  for (const slot of compiled.slots)
    forEachTest(slot.node, (test) => {
      if (test.kind === 'in' && test.field === 'offence_subcode')
        test.values.forEach((c) => subcodes.add(c));
    });
  if (subcodes.size > 0) {
    const subTable = offenceSubcodes();
    lines.push('', 'Offence sub-codes it names (class/sub-classification):');
    lines.push(
      formatTable(
        [...subcodes],
        [
          { header: '  sub-code', value: (c) => `  ${c}` },
          {
            header: 'offence',
            value: (c) => subTable.bySubcode(c)?.name ?? '(not in the reference table)',
          },
          { header: 'class', value: (c) => subTable.bySubcode(c)?.class ?? '' },
          { header: 'statute', value: (c) => subTable.bySubcode(c)?.statute ?? '' },
          {
            header: 'note',
            value: (c) =>
              subTable.bySubcode(c)?.certainty === 'uncertain' ? 'uncertain entry' : '',
          },
        ],
      ),
    );
  }
  return lines.join('\n');
}

export function renderIssues(file: string, issues: readonly DefinitionIssue[]): string[] {
  return issues.map(
    (i) => `${i.severity}: ${file}${i.line === undefined ? '' : `, line ${i.line}`}: ${i.message}`,
  );
}

export function renderDiff(diff: DefinitionDiff): string {
  const lines = [
    `${diff.a.id}@${diff.a.version} (sha256 ${shortHash(diff.a.content_hash)}) → ${diff.b.id}@${diff.b.version} (sha256 ${shortHash(diff.b.content_hash)})`,
  ];
  if (diff.same) {
    lines.push('same content (only the version number or layout differ)');
    return lines.join('\n');
  }
  for (const f of diff.fields)
    lines.push(`~ ${f.field}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`);
  for (const t of diff.tiers) {
    if (t.change === 'added') lines.push(`+ tier ${t.tier}: ${String(t.to)}`);
    else if (t.change === 'removed') lines.push(`- tier ${t.tier}`);
    else if (t.change === 'label')
      lines.push(`~ tier ${t.tier} label: ${JSON.stringify(t.from)} → ${JSON.stringify(t.to)}`);
    else
      lines.push(
        `~ tier order: ${(t.from as string[]).join(' > ')} → ${(t.to as string[]).join(' > ')}`,
      );
  }
  const place = (p: string | null): string => (p === 'exclusions' ? 'exclusions' : `tier ${p}`);
  for (const r of diff.rules) {
    switch (r.change) {
      case 'added':
        lines.push(
          `+ rule ${r.rule} in ${place(r.to)}: ${r.label}`,
          ...(r.after ?? []).map((l) => `    ${l}`),
        );
        break;
      case 'removed':
        lines.push(
          `- rule ${r.rule} from ${place(r.from)}`,
          ...(r.before ?? []).map((l) => `    ${l}`),
        );
        break;
      case 'moved':
        lines.push(`~ rule ${r.rule} moved from ${place(r.from)} to ${place(r.to)}`);
        break;
      case 'condition':
        lines.push(
          `~ rule ${r.rule} (${place(r.to)}) condition changed:`,
          ...(r.before ?? []).map((l) => `    - ${l}`),
          ...(r.after ?? []).map((l) => `    + ${l}`),
        );
        break;
      case 'label':
        lines.push(
          `~ rule ${r.rule} label: ${JSON.stringify(r.before?.[0])} → ${JSON.stringify(r.after?.[0])}`,
        );
        break;
      case 'notes':
        lines.push(`~ rule ${r.rule} notes changed`);
        break;
    }
  }
  return lines.join('\n');
}
