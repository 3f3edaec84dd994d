import { TrackerError } from '../../lib/errors.ts';
import { demoScenario } from './demo.ts';
import { emptyScenario, failuresScenario, webScenario, workloadsScenario } from './small.ts';
import type { Scenario, ScenarioContext } from './types.ts';

export type { Scenario, ScenarioContext } from './types.ts';

/** SCENARIOS lists every built-in scenario, by name (`rollscope sim --scenario NAME`). */
export const SCENARIOS: readonly Scenario[] = [emptyScenario, demoScenario, webScenario, workloadsScenario, failuresScenario];

/** scenarioNames lists the built-in scenario names, for help texts and hints. */
export function scenarioNames(): readonly string[] {
  return SCENARIOS.map((s) => s.name);
}

/** findScenario returns the named scenario, or throws a USAGE TrackerError naming the choices. */
export function findScenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (found) return found;
  throw new TrackerError('USAGE', `unknown scenario "${name}"`, {
    subject: `scenario ${name}`,
    hint: `use one of: ${scenarioNames().join(', ')}`,
  });
}

/** runScenario starts the named scenario on a running simulated cluster and returns its stop function. */
export function runScenario(name: string, ctx: ScenarioContext): () => void {
  return findScenario(name).start(ctx);
}
