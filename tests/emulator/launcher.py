#!/usr/bin/env python
"""Run moto in server mode with the project's compatibility layer applied.

Test-only. Production code never knows about this: it only sees AWS_ENDPOINT_URL.
Usage: python tests/emulator/launcher.py [--host 127.0.0.1] [--port 4566]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# Managed policy ARNs (e.g. AmazonSSMManagedInstanceCore) exist only when moto loads them at start.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.emulator import compat  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4566)
    args = parser.parse_args(argv)

    applied = compat.apply_all()
    print("jenkins_ha emulator: moto with {0} compatibility patch(es): {1}".format(len(applied), ", ".join(applied)))
    sys.stdout.flush()

    from moto import server

    server.main(["--host", args.host, "--port", str(args.port)])


if __name__ == "__main__":
    main()
