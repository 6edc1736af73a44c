"""The model: the table of tier kinds, the build-time spec, every name, CloudFormation's limits and the AWS facts the
commands need. No troposphere here: everything above reads these.
"""
