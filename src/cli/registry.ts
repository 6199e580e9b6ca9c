// Every command helix offers, in the order `helix --help` lists them. One line per command.

import type { CommandSpec } from './command.js';
import { planCommand } from './plan.js';
import { validateCommand } from './validate.js';
import { diffCommand } from './diff.js';
import { compareCommand } from './compare.js';
import { schemaCommand } from './schema.js';
import { explainCommand } from './explain.js';
import { renderCommand } from './render.js';
import { replanCommand } from './replan.js';
import { scheduleCommand } from './schedule.js';
import { simulateCommand } from './simulate.js';
import { profileCommand } from './profile.js';
import { profilesCommand } from './profiles.js';

export const commands: readonly CommandSpec[] = [
  planCommand,
  validateCommand,
  compareCommand,
  diffCommand,
  explainCommand,
  renderCommand,
  replanCommand,
  scheduleCommand,
  simulateCommand,
  profilesCommand,
  profileCommand,
  schemaCommand,
];
