"""The commands: the ``dualstack`` command (``main``) and one module per subcommand, each parsing its arguments,
calling the layers below and printing.
"""
