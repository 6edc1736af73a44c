"""The offline proofs: the evaluator, the update planner and its refusal rules, costs, the compliant render, and the
generated update table.
"""
