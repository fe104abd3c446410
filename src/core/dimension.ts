/**
 * The shape of a selection of incidents: a dimension maps a public name (month, district, tier…) to
 * one SQL expression over the incidents table, and a filter picks values or a range of one. The
 * dimensions themselves are declared by their owners (areas in geo/, tiers in definitions/) and
 * gathered in analyses/selection/; nothing a person types is ever put into SQL but as a parameter.
 */

export interface Dimension {
  name: string;
  description: string;
  /** SQL over the incidents table, aliased `i`, and over the tables this dimension joins. */
  sql: string;
  /**
   * Joins the dimension needs, keyed by a name so that dimensions sharing a join use it once,
   * e.g. { places: 'LEFT JOIN incident_places p ON p.incident_id = i.id' }.
   */
  joins?: Readonly<Record<string, string>>;
  /**
   * The joins (keys of `joins`, each a `LEFT JOIN …`) a record must match for the dimension to
   * take a value other than `unmatched`. A filter that cannot pick `unmatched` makes them inner
   * joins, placed first, so that the database narrows the records before it joins the rest: the
   * same records, far less work (docs/decisions/0081-speed-at-ten-million.md).
   */
  requires?: readonly string[];
  /** The dimension's value for a record that one of `requires` does not match (null if unset). */
  unmatched?: string | null;
  /** Whether `A..B` ranges are allowed in --where. */
  ordered?: boolean;
  /** Checks a --where value; returns a message when it cannot match. */
  validate?: (value: string) => string | undefined;
  /**
   * The same range condition as `sql BETWEEN lo AND hi`, written over the stored column so that
   * the database compares values as stored (no text made per record) and skips storage blocks
   * outside the range; used when both bounds pass `validate`. `lo` and `hi` are parameter names.
   */
  between?: (lo: string, hi: string) => string;
  /**
   * Set for a dimension that can take several values for one record: partnerships nest (a record
   * in Oxford is in Oxford's partnership and the county-wide one), and a record may match several
   * tiers or rules. The join named `join` gives such a record a row for each value, so a filter of
   * several values, or a total of counts grouped by it, must not count those rows. A filter of
   * several values is then written as a condition on the record instead: `anyOf(values)` (SQL
   * true when one of the record's values is among the parameter references given) and `none`
   * (true when it takes no value), over the joins named in `requires`.
   */
  several?: {
    join: string;
    requires: readonly string[];
    anyOf: (values: readonly string[]) => string;
    none: string;
  };
}

export interface CountFilter {
  dimension: string;
  /** Exact values (null means "no value"); ignored when a range is given. */
  values: (string | null)[];
  range?: { from: string; to: string };
}
