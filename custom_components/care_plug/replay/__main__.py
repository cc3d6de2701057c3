"""`python -m custom_components.care_plug.replay`."""

import sys

from .command import main

sys.exit(main())
