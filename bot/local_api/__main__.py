"""`python -m bot.local_api`: the local Bot API server alone, until interrupted."""

from bot.local_api.server import main

main()
