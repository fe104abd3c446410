/** The message for a value that is not a valid id, with a suggestion made from it when it can. */
export function badIdMessage(value: unknown): string {
  const slug =
    typeof value === 'string'
      ? value
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-+|-+$/g, '')
      : '';
  return `${JSON.stringify(value)} is not a valid id: use lower-case letters, digits and hyphens${/^[a-z]/.test(slug) ? ` (e.g. "${slug}")` : ''}`;
}
