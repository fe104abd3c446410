/**
 * Analysts' commentary for the assessment, one Markdown file with a `## ` heading per section
 * (the section's id, e.g. `## trends`, or its title). Partner text is untrusted, so only a small
 * subset of Markdown becomes markup — paragraphs, `- ` lists, **bold**, *italic* and `code` —
 * and everything else, HTML included, is shown as the text it is.
 */
import { readFileSync } from 'node:fs';
import { SvdError, errorMessage } from '../../core/errors.js';
import { escapeHtml, trusted, type SafeHtml } from '../html.js';
import { SECTIONS, type SectionId } from './snaTypes.js';

/** Per section: the markup made from the safe subset, and the text as written (for CSV). */
export type Commentary = Partial<Record<SectionId, { html: SafeHtml; text: string }>>;

/** Inline Markdown on text that is escaped first: the markup added is ours alone. */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\*([^*]+)\*/g, '<em>$1</em>');
}

/** The safe Markdown subset as HTML. */
export function renderMarkdown(text: string): SafeHtml {
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  const out: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    if (lines.every((l) => /^\s*[-*] /.test(l)))
      out.push(
        `<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ''))}</li>`).join('')}</ul>`,
      );
    else out.push(`<p>${lines.map((l) => inline(l.trim())).join(' ')}</p>`);
  }
  return trusted(out.join('\n'));
}

export function parseCommentary(text: string, file = 'the commentary'): Commentary {
  const out: Commentary = {};
  let current: SectionId | null = null;
  let buffer: string[] = [];
  const flush = (): void => {
    const written = buffer.join('\n').trim();
    if (current !== null && written !== '')
      out[current] = { html: renderMarkdown(written), text: written };
    buffer = [];
  };
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .forEach((line, i) => {
      const heading = /^##\s+(.+?)\s*$/.exec(line);
      if (heading === null) {
        if (current === null && line.trim() !== '' && !line.startsWith('# '))
          throw new SvdError({
            kind: 'input',
            code: 'BAD_COMMENTARY',
            message: `${file}, line ${i + 1}: text before the first "## section" heading`,
            location: { file, line: i + 1 },
            fix: `start each section's commentary with "## ID", one of ${SECTIONS.map((s) => s.id).join(', ')}`,
          });
        if (current !== null) buffer.push(line);
        return;
      }
      flush();
      const name = heading[1]!.toLowerCase();
      const section = SECTIONS.find((s) => s.id === name || s.title.toLowerCase() === name);
      if (section === undefined)
        throw new SvdError({
          kind: 'input',
          code: 'BAD_COMMENTARY',
          message: `${file}, line ${i + 1}: no section "${heading[1]!}"`,
          location: { file, line: i + 1, value: heading[1]! },
          fix: `use one of ${SECTIONS.map((s) => s.id).join(', ')}`,
        });
      current = section.id;
    });
  flush();
  return out;
}

export function readCommentary(file: string): Commentary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SvdError({
      kind: 'input',
      code: 'NO_COMMENTARY',
      message: `cannot read the commentary ${file}: ${errorMessage(error).split('\n')[0]}`,
      fix: 'give a Markdown file with a "## ID" heading per section',
    });
  }
  return parseCommentary(text, file);
}
