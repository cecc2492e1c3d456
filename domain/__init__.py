"""The marketplace's shared domain, below every other package (the import-linter layers).

Why a package of its own: the indexer writes and the ranking and the API read the same badges,
diversity categories, countries, skill vocabulary and embedding model. Kept here, each rule and
each data file has one reader, and no reader has to import the writer to get it.
"""
