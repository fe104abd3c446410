/**
 * The smallest counts that may be published, shared by disclosure control (src/disclosure/) and by
 * data-sharing agreements (src/access/), which may not agree a smaller cell than the public one.
 */

/** The NHS rule for sub-national health counts: 1–7 are not published. */
export const HEALTH_MINIMUM = 8;
/** The usual minimum for other data in public outputs (counts of 1–4 hidden). */
export const DEFAULT_PUBLIC_MINIMUM = 5;
