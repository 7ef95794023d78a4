/** Where testenv lives: its binaries (.bin/) and run dirs (.run/). */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

function moduleDir(): string {
  if (process.env.PSP_TESTENV_DIR) return path.resolve(process.env.PSP_TESTENV_DIR);
  try {
    const url = import.meta.url;
    if (url) return path.dirname(fileURLToPath(url));
  } catch {
    /* CommonJS transform without import.meta */
  }
  if (typeof __dirname !== 'undefined') return __dirname;
  return path.resolve(process.cwd(), 'testenv');
}

export const TESTENV_DIR = moduleDir();
export const BIN_DIR = path.join(TESTENV_DIR, '.bin');
export const RUN_DIR = path.join(TESTENV_DIR, '.run');

/** A path relative to the repository (for messages). */
export function rel(p: string): string {
  return path.relative(path.dirname(TESTENV_DIR), p) || p;
}
