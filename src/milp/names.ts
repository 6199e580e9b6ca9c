// Variable names, used both to encode models and to read solutions back.

/** Nodes of class c holding layers [s, s + k) (hub model). */
export const hubCount = (c: number, s: number, k: number) => `n_${c}_${s}_${k}`;
/** Flow through those nodes together (hub model). */
export const hubFlow = (c: number, s: number, k: number) => `x_${c}_${s}_${k}`;
/** 1 when some interval starts at boundary b (depth control). */
export const boundaryUsed = (b: number) => `u_${b}`;

const HUB_COUNT = /^n_(\d+)_(\d+)_(\d+)$/;

export function parseHubCount(name: string): { c: number; s: number; k: number } | null {
  const m = HUB_COUNT.exec(name);
  return m ? { c: Number(m[1]), s: Number(m[2]), k: Number(m[3]) } : null;
}

/** 1 when node i holds layers [s, s + k) (per-node model). */
export const nodeHolds = (i: number, s: number, k: number) => `z_${i}_${s}_${k}`;
/** Flow through node i while it holds layers [s, s + k) (per-node model). */
export const nodeFlow = (i: number, s: number, k: number) => `f_${i}_${s}_${k}`;
/** Flow on the link i -> j at layer boundary b, for links outside a shared hub (per-node model). */
export const pairFlow = (i: number, j: number, b: number) => `g_${i}_${j}_${b}`;
