// Older import path: the layout helpers now live in layout.ts and the scorer is Evaluator
// (evaluator.ts). Kept so that modules importing from here keep working.

export { copyLayout, layoutOf, placementOf, type Layout } from './layout.js';
