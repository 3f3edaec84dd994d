/**
 * counted writes a count with its noun in the right number: `counted(1, 'time')` → `1 time`,
 * `counted(3, 'pod')` → `3 pods`. `plural` is for nouns whose plural is not noun + s.
 * For our own sentences only: messages that reproduce another tool's exact text (kubectl's
 * "Waiting for 1 pods to be ready...") keep that tool's wording.
 */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
