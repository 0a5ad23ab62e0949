"""Definitions of the catalogued systems; importing this package registers them."""
from . import classic  # noqa: F401
