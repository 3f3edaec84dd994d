import type { Command } from 'commander';
import { registerDemo } from './demo.ts';
import { registerSim } from './sim.ts';
import { registerHistory } from './history.ts';
import { registerServe } from './serve.ts';
import { registerStatus } from './status.ts';
import { registerWait } from './wait.ts';
import { registerSetImage } from './set-image.ts';
import { registerUndo } from './undo.ts';
import { registerPause } from './pause.ts';
import { registerResume } from './resume.ts';
import { registerRestart } from './restart.ts';

/** RegisterFn adds one command (with its flags and action) to the program. */
export type RegisterFn = (program: Command) => void;

/**
 * COMMANDS lists every CLI command's registration, in help order. Add a command by adding its
 * file under `commands/` and one line here.
 */
export const COMMANDS: readonly RegisterFn[] = [registerDemo, registerSim, registerServe, registerHistory, registerStatus, registerWait, registerSetImage, registerUndo, registerPause, registerResume, registerRestart];
