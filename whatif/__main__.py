"""`python -m whatif`: see whatif/cli.py."""

import sys

from whatif.cli import console

sys.exit(console())
