import { readFileSync } from 'node:fs';

// Read once from package.json so the version printed and recorded in plans never drifts.
const pkgUrl = new URL('../../package.json', import.meta.url);
const fallbackUrl = new URL('../package.json', import.meta.url);

function readVersion(): string {
  for (const url of [pkgUrl, fallbackUrl]) {
    try {
      return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
    } catch {
      // dist/src/version.js sits two levels below package.json, src/version.ts one: try both.
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
