"""``python -m dualstack``: the ``dualstack`` command (``command.py``)."""

from dualstack.commands import console
from dualstack.commands import main as command

if __name__ == "__main__":
    console.run(command.main, "dualstack")
