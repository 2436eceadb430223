/** Every `palimpsest` subcommand, in the order `palimpsest help` lists them. */
import type { Command } from "../command.js";
import { batch } from "./batch.js";
import { evaluate } from "./eval.js";
import { extract } from "./extract.js";
import { keys } from "./keys.js";
import { models } from "./models.js";
import { profiles } from "./profiles.js";
import { serve } from "./serve.js";
import { worker } from "./worker.js";

export const COMMANDS: readonly Command[] = [serve, worker, extract, batch, evaluate, profiles, models, keys];
