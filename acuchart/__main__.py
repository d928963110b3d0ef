import sys

from acuchart.cli import main

sys.exit(main())
