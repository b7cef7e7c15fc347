"""``python -m msshim ...``: the msshim command line (see msshim.cli)."""
import sys

from msshim.cli import main

sys.exit(main())
