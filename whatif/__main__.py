"""`python -m whatif`: see whatif/cli.py."""

import sys

from whatif.cli import main

sys.exit(main())
