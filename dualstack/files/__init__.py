"""Files: reading templates as CloudFormation does (limits, shape, YAML without aliases), checking what a command
is given, and writing a set of files all or none.
"""
