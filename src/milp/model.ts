// A MILP as plain readonly data. Nothing in src/milp imports a solver: backends in src/solvers
// translate this into their own formats, so models can be inspected, sized and tested alone.

export type VariableKind = 'continuous' | 'integer' | 'binary';

export interface Variable {
  readonly name: string;
  readonly kind: VariableKind;
  readonly lb: number;
  /** Infinity for no upper bound. */
  readonly ub: number;
}

export interface Term {
  readonly name: string;
  readonly coef: number;
}

export interface Row {
  readonly name: string;
  readonly terms: readonly Term[];
  /** -Infinity / Infinity where the row has no bound on that side. */
  readonly lb: number;
  readonly ub: number;
}

export interface BuildStep {
  readonly name: string;
  readonly variables: number;
  readonly rows: number;
}

export interface MilpModel {
  readonly name: string;
  readonly sense: 'max' | 'min';
  readonly objective: readonly Term[];
  readonly variables: readonly Variable[];
  readonly rows: readonly Row[];
  /** What each named build step added, in order (for `plan --verbose`). */
  readonly steps: readonly BuildStep[];
}

/** Collects variables and rows step by step, recording each step's size. */
export class ModelBuilder {
  private readonly variables: Variable[] = [];
  private readonly rows: Row[] = [];
  private readonly steps: BuildStep[] = [];
  private readonly names = new Set<string>();
  private objective: Term[] = [];

  constructor(
    private readonly name: string,
    private readonly sense: 'max' | 'min',
  ) {}

  /** Runs one named step and records how many variables and rows it added. */
  step(name: string, build: () => void): this {
    const v = this.variables.length;
    const r = this.rows.length;
    build();
    this.steps.push({ name, variables: this.variables.length - v, rows: this.rows.length - r });
    return this;
  }

  variable(name: string, kind: VariableKind, lb = 0, ub = Infinity): string {
    if (this.names.has(name)) throw new Error(`duplicate variable ${name}`);
    this.names.add(name);
    this.variables.push({ name, kind, lb, ub: kind === 'binary' ? Math.min(ub, 1) : ub });
    return name;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  row(name: string, terms: readonly Term[], lb: number, ub: number): void {
    if (terms.length === 0) return;
    this.rows.push({ name, terms, lb, ub });
  }

  /** Sets the objective; its direction is the sense the builder was made with. */
  objectiveTerms(terms: readonly Term[]): void {
    this.objective = [...terms];
  }

  maximise(terms: readonly Term[]): void {
    if (this.sense !== 'max') throw new Error(`model ${this.name} minimises`);
    this.objectiveTerms(terms);
  }

  minimise(terms: readonly Term[]): void {
    if (this.sense !== 'min') throw new Error(`model ${this.name} maximises`);
    this.objectiveTerms(terms);
  }

  build(): MilpModel {
    return {
      name: this.name,
      sense: this.sense,
      objective: this.objective,
      variables: this.variables,
      rows: this.rows,
      steps: this.steps,
    };
  }
}

/** Terms with repeated variables summed (and zero sums dropped): solvers reject repeats in a row. */
export function mergedTerms(terms: readonly Term[]): Term[] {
  const sum = new Map<string, number>();
  for (const t of terms) sum.set(t.name, (sum.get(t.name) ?? 0) + t.coef);
  return [...sum].filter(([, coef]) => coef !== 0).map(([name, coef]) => ({ name, coef }));
}

/** A binary with its natural bounds [0, 1]; a fixed binary is written as a bounded integer. */
export function isPlainBinary(v: Variable): boolean {
  return v.kind === 'binary' && v.lb === 0 && v.ub === 1;
}

export interface ModelSize {
  readonly variables: number;
  /** Integer and binary variables. */
  readonly integers: number;
  readonly rows: number;
  readonly nonzeros: number;
}

export function modelSize(model: MilpModel): ModelSize {
  return {
    variables: model.variables.length,
    integers: model.variables.filter((v) => v.kind !== 'continuous').length,
    rows: model.rows.length,
    nonzeros: model.rows.reduce((n, r) => n + r.terms.length, 0),
  };
}

/**
 * The model with a row `objective >= floor` (`<=` when minimising). For backends without MIP
 * starts this passes the incumbent in: the solver only searches for something better, and
 * "infeasible" then proves that nothing better than the floor exists.
 */
export function withObjectiveFloor<M extends MilpModel>(model: M, floor: number): M {
  const row = model.sense === 'max'
    ? { name: 'objective_floor', terms: model.objective, lb: floor, ub: Infinity }
    : { name: 'objective_floor', terms: model.objective, lb: -Infinity, ub: floor };
  return { ...model, rows: [...model.rows, row], steps: [...model.steps, { name: 'objective floor', variables: 0, rows: 1 }] };
}
