/**
 * CSV for spreadsheets. Each field is quoted when needed, and a field that a spreadsheet would
 * take for a formula (starting with =, +, -, @, a tab or a carriage return) is prefixed with an
 * apostrophe, so partner text such as `=cmd|' /C calc'!A0` stays text when the file is opened.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
