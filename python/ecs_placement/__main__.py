"""`python -m ecs_placement capture --cluster NAME --out FILE`: see ecs_placement.capture."""

import sys

from .capture import main

sys.exit(main())
