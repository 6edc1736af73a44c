#!/usr/bin/env python3
"""Generate the dual-stack VPC CloudFormation templates. ``python generate.py --help`` lists the options."""

from pathlib import Path

from dualstack.commands import console
from dualstack.commands.generate import main

if __name__ == "__main__":
    console.run(lambda: main(root=Path(__file__).resolve().parent), "generate.py")
