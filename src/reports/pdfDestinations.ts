/**
 * The page each named destination of a PDF printed by Chromium falls on. Chromium writes every
 * element id that a link points to as a named destination (`/Dests` of the catalogue, each
 * `[page 0 R /XYZ …]`), and its page tree as plain dictionaries, so the page of a section can be
 * read back without a PDF library — which is how the contents page gets its page numbers.
 */

function objects(pdf: string): Map<number, string> {
  const out = new Map<number, string>();
  const re = /(?:^|\n)(\d+) 0 obj\s*(<<[\s\S]*?>>)\s*(?:endobj|stream)/g;
  for (const m of pdf.matchAll(re)) out.set(Number(m[1]), m[2]!);
  return out;
}

const refs = (text: string): number[] => [...text.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));

/** Destination name → page number (1-based); empty when the PDF has none. */
export function pdfDestinationPages(pdf: Buffer): Map<string, number> {
  // Dictionaries are ASCII; latin1 keeps byte offsets and never fails on binary streams.
  const text = pdf.toString('latin1');
  const objs = objects(text);
  const catalog = [...objs.values()].find((o) => /\/Type\s*\/Catalog/.test(o));
  const result = new Map<string, number>();
  if (catalog === undefined) return result;
  const pagesRef = /\/Pages\s+(\d+) 0 R/.exec(catalog);
  const destsRef = /\/Dests\s+(\d+) 0 R/.exec(catalog);
  if (pagesRef === null || destsRef === null) return result;
  const order: number[] = [];
  const walk = (id: number, depth: number): void => {
    const node = objs.get(id);
    if (node === undefined || depth > 32) return;
    if (/\/Type\s*\/Pages/.test(node)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(node);
      for (const kid of refs(kids?.[1] ?? '')) walk(kid, depth + 1);
    } else order.push(id);
  };
  walk(Number(pagesRef[1]), 0);
  const pageOf = new Map(order.map((id, i) => [id, i + 1]));
  const dests = objs.get(Number(destsRef[1])) ?? '';
  for (const m of dests.matchAll(/\/([^\s/[\]<>()]+)\s*\[\s*(\d+) 0 R/g)) {
    const page = pageOf.get(Number(m[2]));
    if (page !== undefined) result.set(decodeName(m[1]!), page);
  }
  return result;
}

/** PDF names write unusual bytes as #xx. */
const decodeName = (name: string): string =>
  name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
