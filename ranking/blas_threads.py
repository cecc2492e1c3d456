"""One OpenBLAS thread per call on the search path.

A search multiplies its few query vectors by the skill vectors (`SkillMatcher.nearest`) and the
past job posts' title vectors (`JobPosts.evidence`): skinny products that read a large matrix
once. numpy's OpenBLAS pool splits each across threads that contend with torch's and with the
other searches' for the same cores: on this project's 2-core machine, 3 query vectors against
20,000 post titles took 8-12 ms with the default pool and 2.7-3.5 ms on one thread. The API, the
CLI's searches and the query benchmark all call `one_blas_thread` so they measure and serve
alike. torch's own pool (the query model) is not OpenBLAS and keeps its setting.
"""

from __future__ import annotations

from threadpoolctl import ThreadpoolController


def one_blas_thread() -> None:
    """Cap numpy's OpenBLAS at one thread per call, for the rest of the process."""
    ThreadpoolController().select(internal_api="openblas").limit(limits=1)
