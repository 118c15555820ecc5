"""`musicbot api-key create|list|revoke --school S`: a school's keys for its own systems.

`create` prints the key alone on its last line, once (only its hash is stored); the key
acts as the school in the HTTP API (`Authorization: Bearer <key>`), like this CLI.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.runtime import Runtime
from bot.settings import Settings
from core.api_keys import ApiKeys


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    keys = sub.add_parser("api-key", help="a school's API keys: create, list, revoke")
    verbs = keys.add_subparsers(dest="key_command", required=True, metavar="VERB")
    create = verbs.add_parser("create", help="make a key; it is printed once, on the last line")
    create.add_argument("--school", required=True, help="the school's key")
    create.add_argument("--label", default="default", help="a name for the key (unique)")
    listing = verbs.add_parser("list", help="the school's keys (labels and dates, not keys)")
    listing.add_argument("--school", required=True, help="the school's key")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    revoke = verbs.add_parser("revoke", help="end a key at once")
    revoke.add_argument("--school", required=True, help="the school's key")
    revoke.add_argument("--label", required=True, help="the key's label")


async def api_key_command(
    runtime: Runtime, school_id: int, args: argparse.Namespace, _: Settings
) -> int:
    services = runtime.services
    keys = ApiKeys(runtime.engine, services.clock)
    if args.key_command == "create":
        key = await keys.create(school_id, args.label)
        print(f"API key '{args.label.strip()}' for school {args.school} (shown only now):")
        print(key)
        return 0
    if args.key_command == "list":
        found = await keys.list(school_id)
        if args.format == "json":
            rows = [
                {
                    "label": k.label,
                    "created_at": k.created_at.isoformat(),
                    "last_used_at": k.last_used_at.isoformat() if k.last_used_at else None,
                }
                for k in found
            ]
            json.dump(rows, sys.stdout, indent=2)
            sys.stdout.write("\n")
        elif not found:
            print(f"school {args.school} has no API keys")
        else:
            for k in found:
                print(f"{k.label}  created {k.created_at:%Y-%m-%d %H:%M} UTC")
        return 0
    await keys.revoke(school_id, args.label)
    print(f"API key '{args.label}' of school {args.school} revoked")
    return 0
