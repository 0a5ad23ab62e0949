"""Definitions of the catalogued systems; importing this package registers them."""
from . import classic  # noqa: F401
from . import flows  # noqa: F401  (every dysts flow not in classic)
from . import maps  # noqa: F401  (every dysts map not in classic)
from . import delay  # noqa: F401  (the six delay differential equations)
from . import stochastic  # noqa: F401  (SDEs; listed by names('stochastic') only)
