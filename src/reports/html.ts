/**
 * Server-side HTML with escaping by default: every value interpolated into an `html` template is
 * escaped unless it is itself a fragment made by `html` — so partner free text (commentary,
 * action titles, names) can never become markup or script.
 */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export class SafeHtml {
  /** Makes the type nominal: an object that merely has a `text` is not markup. */
  declare private readonly brand: true;
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue =
  SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** A trusted constant (stylesheet, markup written here): never pass user text. */
export const trusted = (text: string): SafeHtml => new SafeHtml(text);
