"""Shared test configuration.

Compiled systems are cached on disk (see attractor.core.symbolic); tests use the
default cache location so repeated runs on one machine start fast.
"""
import os

# Multi-threaded BLAS on a small shared machine makes SVDs dramatically slower (a 500x999 SVD:
# 25 s with threads vs 1 s without); tests pin one thread before NumPy loads.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
