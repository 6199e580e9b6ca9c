// Variable names, used both to encode models and to read solutions back.

/** Nodes of class c holding layers [s, s + k) (hub model). */
export const hubCount = (c: number, s: number, k: number) => `n_${c}_${s}_${k}`;
/** Flow through those nodes together (hub model). */
export const hubFlow = (c: number, s: number, k: number) => `x_${c}_${s}_${k}`;
/** Depth potential of layer boundary b: at least the stages of any chain reaching it (depth control). */
export const boundaryDepth = (b: number) => `p_${b}`;
/** 1 when some node holds layers [s, e) (depth control). */
export const intervalHeld = (s: number, e: number) => `a_${s}_${e}`;

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
