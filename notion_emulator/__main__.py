"""`python -m notion_emulator`: serve a workspace until interrupted."""

from __future__ import annotations

import argparse
import sys
import time

from . import (
    DEMO_DATA_SOURCE_ID,
    DEMO_DATABASE_ID,
    DEMO_ROOT_PAGE_ID,
    DEMO_TOKEN,
    Emulator,
    Faults,
    Workspace,
)

EPILOG = f"""\
demo workspace (served when --workspace is not given):
  root page  "Acme Handbook"  {DEMO_ROOT_PAGE_ID}
  database   "Changelog"      {DEMO_DATABASE_ID}
  data source                 {DEMO_DATA_SOURCE_ID}
  token                       {DEMO_TOKEN}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m notion_emulator",
        description="Serve a Notion workspace on 127.0.0.1 with the real API's JSON shapes.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--workspace", help="workspace JSON file (default: the bundled demo)")
    parser.add_argument("--port", type=int, default=8765, help="TCP port (0: any free port)")
    parser.add_argument("--token", default=DEMO_TOKEN, help="the integration token to accept")
    parser.add_argument(
        "--file-ttl", type=float, default=3600.0, help="seconds a signed file URL stays valid"
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        help="requests per second before 429 (token bucket)",
    )
    parser.add_argument("--burst", type=float, default=None, help="token bucket size")
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        help="fraction of requests answered with a random 5xx/529",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for injected faults")
    args = parser.parse_args(argv)

    workspace = Workspace.load(args.workspace) if args.workspace else Workspace.demo()
    faults = Faults(
        rate_limit=args.rate_limit, burst=args.burst, error_rate=args.fault_rate, seed=args.seed
    )
    emulator = Emulator(
        workspace, token=args.token, port=args.port, file_ttl=args.file_ttl, faults=faults
    )
    emulator.start()
    print(f"Notion emulator listening on {emulator.url}  (api_url: {emulator.url})")
    print(f"  token: {args.token}   pages: {len(workspace.pages)}   files: {len(workspace.files)}")
    if not args.workspace:
        print(EPILOG.rstrip())
    sys.stdout.flush()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
