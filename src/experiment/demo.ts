import { fileURLToPath } from 'node:url';

/** The bundled demo experiment, run when no config is given (two folders up from both src/experiment and dist/experiment). */
export const DEMO_CONFIG = new URL('../../eval-sets/demo/experiment.yaml', import.meta.url);
export const DEMO_CONFIG_PATH = fileURLToPath(DEMO_CONFIG);
