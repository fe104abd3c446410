/**
 * What a batch's status says about its rows. A police.uk batch whose force-months a later file
 * replaced keeps its rows apart, in the table of replaced rows beside its own, and can be restored
 * (docs/decisions/0070-replacement-and-restore.md); batches of other kinds, and police.uk batches
 * replaced before schema step 7, are superseded with their rows gone.
 */

/** Every row in use. */
export const ACTIVE = 'active';
/** No row in use; the rows are kept apart and the batch can be restored. */
export const REPLACED = 'replaced';
/** Some force-months replaced (their rows kept apart, restorable), the others in use. */
export const PARTLY_REPLACED = 'partly-replaced';
/** No row in use and none kept (reference data reloaded; police.uk before schema step 7). */
export const SUPERSEDED = 'superseded';
/** police.uk before schema step 7: some force-months replaced and their rows removed. */
export const PARTLY_SUPERSEDED = 'partly-superseded';

/** Statuses of batches with rows kept apart, which `svd batches restore` brings back. */
export const RESTORABLE_STATUSES: readonly string[] = [REPLACED, PARTLY_REPLACED];

/** A SQL predicate over `batches`: the batch contributes rows to what is counted. */
export const SQL_BATCH_IN_USE = `status NOT IN ('${SUPERSEDED}', '${REPLACED}')`;

/** Each table whose rows a later police.uk file can replace, and the table its replaced rows go to. */
export const REPLACED_ROWS_TABLE = {
  incidents: 'replaced_incidents',
  police_uk_outcomes: 'replaced_police_uk_outcomes',
  police_uk_stop_searches: 'replaced_police_uk_stop_searches',
} as const;

export type ReplaceableTable = keyof typeof REPLACED_ROWS_TABLE;
