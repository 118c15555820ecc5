"""`python -m bot` is the `musicbot` command."""

import sys

from bot.cli import main

sys.exit(main())
