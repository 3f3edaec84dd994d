/** Result is an expected outcome as a value: either `ok` with a value or not `ok` with an error. */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

/** ok wraps a success value. */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

/** err wraps an expected failure. */
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
