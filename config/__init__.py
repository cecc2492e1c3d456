"""Settings from the environment, read by the CLI and the API and passed down from there.

Why a package of its own: the API and the CLI both read them, and the API may not import the
CLI's package. Ranking and the indexer are its siblings in the import-linter layers, so they
cannot read settings at all: they take what they need as parameters.
"""
