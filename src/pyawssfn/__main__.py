import sys

from pyawssfn.cli import main

sys.exit(main())
