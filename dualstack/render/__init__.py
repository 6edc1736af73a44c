"""Rendering: a built template as JSON and short-form YAML text, and its Mermaid picture."""
