"""Allow ``python -m resourcemodel``."""

import sys

from resourcemodel.cli import main

sys.exit(main())
