"""Offline relevance work: what a relevance engineer runs and no search request does.

- `evaluation`: judgments (Quepid CSV), the `_rank_eval` metrics, comparisons, the JSON report;
- `relevance_set`: the development judgments built from the taxonomy and a corpus;
- `exposure`: how the top of each ranking shares its slots among groups (badges, certification);
- `eval_report`, `eval_exposure`: how `talent-search eval` shows an evaluation (tables, plot);
- `tuning`: `talent-search tune`'s search of a profile's settings, cross-validated over queries
  (its own package docstring gives the overview), drawn by `tuning_plot`.

Why a package apart from `ranking`: `ranking` holds what a search executes; this measures and
tunes it. It imports `ranking` (the searcher's plan and fusion, the profile model) and is
imported only by the CLI (`talent_search`); `ranking`, `query_api` and `indexer` never import it
(the import-linter layers contract in pyproject.toml).
"""
