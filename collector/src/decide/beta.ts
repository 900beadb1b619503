/**
 * The Beta distribution, as much of it as the engine needs: the regularised incomplete beta
 * function, its inverse (credible bounds) and sampling (Thompson sampling). Pure functions.
 */

/** A Beta(alpha, beta) posterior. */
export interface BetaParams {
  alpha: number;
  beta: number;
}

/** The posterior mean alpha / (alpha + beta). */
export function betaMean({ alpha, beta }: BetaParams): number {
  return alpha / (alpha + beta);
}

/** P(X ≤ x) for X ~ Beta(alpha, beta): the regularised incomplete beta function I_x(a, b). */
export function betaCdf(x: number, { alpha, beta }: BetaParams): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(alpha + beta) -
      logGamma(alpha) -
      logGamma(beta) +
      alpha * Math.log(x) +
      beta * Math.log1p(-x),
  );
  // The continued fraction converges fast only on one side of the mean; use the symmetry elsewhere.
  if (x < (alpha + 1) / (alpha + beta + 2))
    return (front * continuedFraction(x, alpha, beta)) / alpha;
  return 1 - (front * continuedFraction(1 - x, beta, alpha)) / beta;
}

/** The p-quantile of Beta(alpha, beta): the x with P(X ≤ x) = p, to about 1e-9. */
export function betaQuantile(p: number, params: BetaParams): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let low = 0;
  let high = 1;
  // The CDF is monotone, so bisection always converges; 40 halvings reach 1e-12.
  for (let i = 0; i < 40; i++) {
    const mid = (low + high) / 2;
    if (betaCdf(mid, params) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** One draw from Beta(alpha, beta) using `random` (uniform in [0, 1)). */
export function sampleBeta({ alpha, beta }: BetaParams, random: () => number): number {
  const x = sampleGamma(alpha, random);
  const y = sampleGamma(beta, random);
  return x + y === 0 ? 0.5 : x / (x + y);
}

// Marsaglia and Tsang (2000); shape < 1 is boosted by one and scaled back with U^(1/shape).
function sampleGamma(shape: number, random: () => number): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * uniform(random) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (let i = 0; i < 1_000; i++) {
    const z = sampleNormal(random);
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = uniform(random);
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
  // Only a broken random source gets here; the mean is an honest answer.
  return shape;
}

function sampleNormal(random: () => number): number {
  const u = uniform(random);
  const v = uniform(random);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// Keep draws inside (0, 1): log(0) would poison every later step.
function uniform(random: () => number): number {
  const value = random();
  if (!(value > 0)) return Number.EPSILON;
  return value >= 1 ? 1 - Number.EPSILON : value;
}

// Lentz's method for the continued fraction of I_x(a, b) (Numerical Recipes, betacf).
function continuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-12) break;
  }
  return h;
}

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

// Lanczos approximation (g = 7), accurate to ~1e-15 for the positive shapes used here.
function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const shifted = z - 1;
  let sum = 0.99999999999980993;
  for (let i = 0; i < LANCZOS.length; i++) sum += (LANCZOS[i] ?? 0) / (shifted + i + 1);
  const t = shifted + LANCZOS.length - 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}
