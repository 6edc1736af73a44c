"""``dualstack compliant DIR``: write what CloudFormation would create for the compliant parameter set, one JSON file
per scanned set, for ``make scan`` (checkov and Control Tower's cfn-guard rules read them)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence

from dualstack.commands import console
from dualstack.files import inputs, writer
from dualstack.proofs.compliant import render_compliant, scans
from dualstack.proofs.updates_doc import load


def main(argv: Sequence[str] | None = None) -> int:
    parser = inputs.Parser(prog="dualstack compliant", description=__doc__.split(", one JSON")[0] if __doc__ else None)
    parser.add_argument("output", metavar="OUTPUT_DIRECTORY", help="the folder to write one JSON file per rendering to")
    try:
        args = parser.parse_args(argv)
        out = _output_folder(args.output)
        planned = {}
        for stem, name, parameters in scans():
            rendered = render_compliant(load(name), parameters)
            text = json.dumps(rendered, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
            planned[os.path.join(out, f"{stem}.json")] = text
        for destination in planned:
            inputs.check_output_path(destination)
        writer.recover([out])
        written = writer.write_all(planned)
    except (inputs.InputError, writer.WriteError) as exc:
        print(f"compliant: error: {exc}", file=sys.stderr)
        return 2
    for (_, _, parameters), destination in zip(scans(), written, strict=True):
        print(f"rendered {inputs.shown(destination)} for {' '.join(f'{k}={v}' for k, v in parameters.items())}")
    return 0


def _output_folder(path: str) -> str:
    """The folder to write to, made if missing (with its parents): never the current folder by an empty name, never
    a file."""
    if not path:
        raise inputs.InputError("OUTPUT_DIRECTORY is empty: give a folder, such as build/scan")
    try:
        os.makedirs(path, exist_ok=True)
    except FileExistsError:
        raise inputs.InputError(f"cannot write to {inputs.shown(path)}: it is not a folder") from None
    except OSError as exc:
        raise inputs.InputError(f"cannot write to {inputs.shown(path)}: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise inputs.InputError(f"cannot write to {inputs.shown(path)}: Permission denied")
    return path


if __name__ == "__main__":
    console.run(main, "compliant")
