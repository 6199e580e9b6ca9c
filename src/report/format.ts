// Number and size formatting shared by the human-readable formatters.

export function tokens(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x >= 100 ? x.toFixed(0).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : x.toFixed(1);
}

export function percent(x: number, digits = 1): string {
  return `${(x * 100).toFixed(digits)}%`;
}

export function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

export function seconds(s: number): string {
  return s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`;
}
