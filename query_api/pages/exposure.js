// Badge exposure of one side's ranked hits, as relevance/exposure.py computes it for `eval`
// (docs/evaluation.md, "Exposure and representative results"): the desired share of each badge
// is its share among the hits shown, the pool here.

const NONE = "none";

export function desiredShares(values) {
  const counts = new Map();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return new Map([...counts].map(([value, count]) => [value, count / values.length]));
}

// ln(share in the top k / desired share); -Infinity when the value has no slot there
export function skewAtK(values, desired, value, k) {
  const top = values.slice(0, k);
  const want = desired.get(value) ?? 0;
  if (!top.length || want <= 0) return null;
  const held = top.filter((v) => v === value).length / top.length;
  return held > 0 ? Math.log(held / want) : -Infinity;
}

// (1/Z) sum_i KL(D_i || D) / log2(i + 1), Z = sum_i 1 / log2(i + 1)
export function ndkl(values, desired) {
  const counts = new Map();
  let total = 0;
  let norm = 0;
  values.forEach((value, index) => {
    const i = index + 1;
    counts.set(value, (counts.get(value) ?? 0) + 1);
    let divergence = 0;
    for (const [v, c] of counts) divergence += (c / i) * Math.log(c / i / desired.get(v));
    const weight = 1 / Math.log2(i + 1);
    total += weight * divergence;
    norm += weight;
  });
  return norm ? total / norm : 0;
}

export function badgeExposure(hits, k = 10) {
  const badges = hits.map((hit) => hit.badge ?? NONE);
  const desired = desiredShares(badges);
  return { ndkl: ndkl(badges, desired), risingSkew: skewAtK(badges, desired, "rising_talent", k) };
}
