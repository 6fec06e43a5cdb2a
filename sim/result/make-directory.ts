/**
 * `mkdir -p` for the output folders a user names. Node's `mkdirSync(dir, { recursive: true })`
 * spins forever where a parent exists but refuses a child with ENOENT (`--out /proc/x`: procfs
 * answers ENOENT, node makes the parent, gets EEXIST, and tries the child again), so the missing
 * folders are made one at a time, outermost first, and the first refusal is thrown as the system
 * gave it (ENOENT, ENOTDIR, EACCES...). A file in the folder's place is refused the same way
 * (EEXIST), before the work that would fill the folder.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function makeDirectory(dir: string): void {
  // path.resolve('') is the current folder: an empty --out (an unset variable) must not mean it.
  if (dir === '') mkdirSync(dir);
  const resolved = path.resolve(dir);
  if (existsSync(resolved) && !statSync(resolved).isDirectory()) mkdirSync(resolved);
  const missing: string[] = [];
  for (let at = resolved; !existsSync(at); at = path.dirname(at)) {
    missing.push(at);
    if (path.dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // Another process (a second run started at once) made it meanwhile.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(folder).isDirectory()) throw error;
    }
  }
}
