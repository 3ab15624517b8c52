"""`python -m recommender.cli`: the same as the `kdrama` command."""

import sys

from . import main

sys.exit(main())
