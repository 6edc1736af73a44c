"""The builders: one module per option, each adding its parameters, conditions and resources to a troposphere
``Template`` and returning typed handles. ``template.build_template`` assembles them.
"""

# First, before troposphere is imported anywhere: cfn_flip runs only if used.
from dualstack.builders import _firstuse  # noqa: F401
