// NEVER: the shared AbortSignal of calls made without one (never aborts, allocates nothing per call).

/** A signal that never aborts. */
export const NEVER: AbortSignal = new AbortController().signal;
