// Where the bundled data (profiles/, clusters/) lives: the package root, found from this module
// whether it runs from src/ (tests, tsx) or from dist/src/ (the built binary).

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 5; up++) {
    if (existsSync(join(dir, 'profiles', 'gpus.yaml'))) return dir;
    dir = dirname(dir);
  }
  // Not found: return the source layout's guess so errors name a sensible path.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

const root = findPackageRoot();

/** The bundled profiles folder (holds gpus.yaml, models/, helix-set-a/, ...). */
export const bundledProfilesDir = join(root, 'profiles');
export const bundledModelsDir = join(bundledProfilesDir, 'models');
export const bundledGpuCatalog = join(bundledProfilesDir, 'gpus.yaml');
/** The published JSON Schemas (cluster, plan, profile, model). */
export const bundledSchemasDir = join(root, 'schemas');
/** Profiles used when a cluster spec names no `profiles:` folder. */
export const defaultProfileSet = join(bundledProfilesDir, 'helix-set-b');

/**
 * Where a profile folder's overlays (gpus.yaml, models/, layer-time/) are looked for, nearest
 * first: the folder itself, then the one above it, where the bundled layout keeps them beside
 * the profile sets. Cluster specs, `profiles` and `profile` all look in these places.
 */
export function overlayRoots(dir: string): string[] {
  return [...new Set([resolve(dir), resolve(dirname(dir))])];
}

/** The GPU catalogs for a profile folder that exist: the bundled one first, the nearest overlay last (later entries win). */
export function catalogFilesFor(dir: string): string[] {
  return [...new Set([bundledGpuCatalog, ...overlayRoots(dir).reverse().map((r) => join(r, 'gpus.yaml'))])].filter((f) => existsSync(f));
}

/** The model-card folders for a profile folder, nearest first, the bundled folder last. */
export function modelDirsFor(dir: string): string[] {
  return [...new Set([...overlayRoots(dir).map((r) => join(r, 'models')), bundledModelsDir])];
}
