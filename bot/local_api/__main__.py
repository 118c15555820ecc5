"""`python -m bot.local_api`: the local Bot API server alone, until interrupted."""

from bot.local_api.standalone import main

main()
