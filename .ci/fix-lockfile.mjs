// The npm registry reachable here serves rollup's native package for linux-x64 only, so
// `npm install` writes a lock file without rollup's other platform packages, and `npm ci` then
// refuses it as out of sync. This restores those optional entries (with their os/cpu/libc, so npm
// skips them on other platforms without fetching). Run after any `npm install` that rewrites the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;
let added = 0;
for (const meta of Object.values(pkgs)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z0-9]+))?$/.exec(dep);
    if (pkgs[key] || !m) continue;
    const entry = { cpu: [m[2]], dev: true, license: 'MIT', optional: true, os: [m[1]], version };
    if (m[3] === 'gnu' || m[3] === 'gnueabihf') entry.libc = ['glibc'];
    if (m[3] === 'musl' || m[3] === 'musleabihf') entry.libc = ['musl'];
    pkgs[key] = Object.fromEntries(Object.entries(entry).sort(([a], [b]) => a.localeCompare(b)));
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`fix-lockfile: added ${added} entries`);
