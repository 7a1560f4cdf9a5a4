"""``python -m utils.data fetch|verify|list``: see ``utils.data.cli``."""

import sys

from utils.data.cli import main

sys.exit(main())
