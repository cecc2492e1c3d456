"""Automatic tuning of a ranking profile: search space, cached trials, cross-validated gains.

Why: relevance engineers tuned weights by hand, with sliders. `talent-search tune` searches
every setting of a ranking profile with optuna's TPE sampler, cheaply, and says how much of the
gain holds on queries it was not tuned on (K-fold cross-validation over queries, stratified by
family). The modules, from the model to the result:

- the settings themselves, with their ranges and stages, come from the model
  (`ranking.profile_settings`);
- `grid`: one searched setting (`Parameter`), on a grid anchored at the base profile's value;
- `space`: which settings are searched (`search_space`), which change only fusion
  (`is_fusion_only`), and the badge policy (`keep_badge_order`);
- `evaluator`: `CachedEvaluator`, which scores a profile on judged queries, each engine
  response fetched once, fusion-only trials in memory;
- `sampler`: `BlockSampler`, the optuna sampler (neighbours of the best trial, then TPE on a
  block of parameters, engine trials spread evenly);
- `study`: one study's trials and the simplification of its best one;
- `folds`, `cross_validation`: the K held-out studies and the final one (`cross_validate`).

Pure: the engine is reached only through the `plan` and `msearch` callables given to
`CachedEvaluator`, so everything here is testable without a server. The plot of a result is
`relevance.tuning_plot`.
"""
