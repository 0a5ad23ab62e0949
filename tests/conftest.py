"""Shared test configuration.

Compiled systems are cached on disk (see attractor.core.symbolic); tests use the
default cache location so repeated runs on one machine start fast.
"""
import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
