"""The search path's BLAS setting (ranking.blas_threads), shared by the API, CLI and benchmark."""

from __future__ import annotations

import numpy as np
from threadpoolctl import ThreadpoolController, threadpool_info

from ranking.blas_threads import one_blas_thread


def test_one_blas_thread_caps_numpys_openblas_at_one_thread() -> None:
    np.ones((2, 2)) @ np.ones((2, 2))  # numpy's OpenBLAS is loaded
    controller = ThreadpoolController().select(internal_api="openblas")
    before = [p["num_threads"] for p in threadpool_info() if p["internal_api"] == "openblas"]
    try:
        one_blas_thread()
        pools = [p for p in threadpool_info() if "numpy" in p["filepath"]]
        assert pools and all(p["num_threads"] == 1 for p in pools)
    finally:
        controller.limit(limits=max(before, default=1))  # other tests keep the default
