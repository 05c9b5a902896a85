"""Dataset exports: one module per format behind `registry`; `common` holds what they share (no Django)."""
