"""Publishing pipeline for printable, accessible baby-care leaflets: one module per stage."""
