/**
 * `mkdir -p` for the output folders a user names. Node's `mkdirSync(dir, { recursive: true })`
 * spins forever where a parent exists but refuses a child with ENOENT (`--out /proc/x`: procfs
 * answers ENOENT, node makes the parent, gets EEXIST, and tries the child again), so the missing
 * folders are made one at a time, outermost first, and the first refusal is thrown as the system
 * gave it (ENOENT, ENOTDIR, EACCES...). A file in the folder's place is refused the same way
 * (EEXIST), before the work that would fill the folder. Returns the folders it made, outermost
 * first, so that a command that fails before it writes anything can take them away again.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function makeDirectory(dir: string): string[] {
  // path.resolve('') is the current folder: an empty --out (an unset variable) must not mean it.
  if (dir === '') mkdirSync(dir);
  const resolved = path.resolve(dir);
  if (existsSync(resolved) && !statSync(resolved).isDirectory()) mkdirSync(resolved);
  const missing: string[] = [];
  for (let at = resolved; !existsSync(at); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  const made: string[] = [];
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
      made.push(folder);
    } catch (error) {
      // Another process (a second run started at once) made it meanwhile.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw error;
    }
  }
  return made;
}

/**
 * Takes away the folders makeDirectory made (its answer), innermost first, as long as they are
 * empty: a command that failed before it wrote anything leaves none of its own behind. Best
 * effort: it never throws, so the command's own error is the one reported.
 */
export function removeMadeDirectories(made: readonly string[]): void {
  try {
    for (let index = made.length - 1; index >= 0; index--) {
      const folder = made[index] as string;
      if (readdirSync(folder).length > 0) return;
      rmdirSync(folder);
    }
  } catch {
    // Already gone, or not ours to remove any more: nothing to report.
  }
}
