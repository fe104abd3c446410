/** The machine-readable copy of an assessment page (`<script type="application/json" id="sna-data">`), as tests read it. */
export interface AssessmentTable {
  cells: (number | null)[][];
  rowTotals?: (number | null)[];
  columnTotals: (number | null)[];
  total?: number | null;
}

export interface AssessmentData {
  area: { code: string };
  policy: { minimum: number };
  tables: Record<string, AssessmentTable | null>;
  map: { count: number | null }[] | null;
}

/** The data block of an assessment page; throws when the page has none. */
export function assessmentData(html: string): AssessmentData {
  const block = /<script type="application\/json" id="sna-data">([\s\S]*?)<\/script>/.exec(html);
  if (block === null) throw new Error('the page has no sna-data block');
  return JSON.parse(block[1]!) as AssessmentData;
}
