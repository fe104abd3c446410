/** Parses one line of CSV text (no embedded line breaks), e.g. a header. */
export function parseCsvLine(text: string): string[] {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else field += ch;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '"' && field === '') inQuotes = true;
    else field += ch;
  }
  fields.push(field);
  return fields;
}
