import { realClock, type Clock } from '../lib/clock.ts';
import { TrackerError } from '../lib/errors.ts';

/**
 * SIM_CLOCK_ENV names the environment variable that makes `rollscope serve` read time like a
 * sped-up simulated cluster in another process: `SIMNOW,REALNOW,SPEED` (milliseconds, milliseconds,
 * factor) sampled together from the sim. For end-to-end tests only: the tracker compares its clock
 * with the API server's timestamps (grace periods, durations), and a simulation at 40× runs hours
 * away from the wall clock.
 */
export const SIM_CLOCK_ENV = 'ROLLSCOPE_SIM_CLOCK';

/**
 * simClockFromEnv returns the Clock described by SIM_CLOCK_ENV, or undefined when it is unset.
 * Sleeping stays in real time. Example: "1000,5000,40" → now() = 1000 + (Date.now() − 5000) × 40.
 */
export function simClockFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Clock | undefined {
  const raw = env[SIM_CLOCK_ENV];
  if (raw === undefined || raw === '') return undefined;
  const [simNow, realNow, speed] = raw.split(',').map(Number);
  if (simNow === undefined || realNow === undefined || speed === undefined || ![simNow, realNow, speed].every(Number.isFinite) || speed <= 0)
    throw new TrackerError('CONFIG_INVALID', `${SIM_CLOCK_ENV}="${raw}" is not SIMNOW,REALNOW,SPEED`, { subject: SIM_CLOCK_ENV, hint: 'unset it, or give three numbers such as 1700000000000,1700000300000,40' });
  return { now: () => simNow + Math.floor((Date.now() - realNow) * speed), sleep: realClock.sleep };
}
