"""``python -m dualstack``: the ``dualstack`` command (``command.py``)."""

from dualstack import command, console

if __name__ == "__main__":
    console.run(command.main, "dualstack")
