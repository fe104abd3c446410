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
  /** Whether `A..B` ranges are allowed in --where. */
  ordered?: boolean;
  /** Checks a --where value; returns a message when it cannot match. */
  validate?: (value: string) => string | undefined;
}

export interface CountFilter {
  dimension: string;
  /** Exact values (null means "no value"); ignored when a range is given. */
  values: (string | null)[];
  range?: { from: string; to: string };
}
