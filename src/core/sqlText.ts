/**
 * A string written into SQL as a literal, for the few places a parameter cannot go (a file's
 * path given to ATTACH, a constant in the text of a view). Everything else is a parameter.
 */
export const sqlText = (text: string): string => `'${text.replaceAll("'", "''")}'`;
