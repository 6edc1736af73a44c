#!/usr/bin/env python3
"""Generate the dual-stack VPC CloudFormation templates. ``python generate.py --help`` lists the options."""

import sys
from pathlib import Path

from dualstack.cli import main

if __name__ == "__main__":
    sys.exit(main(root=Path(__file__).resolve().parent))
