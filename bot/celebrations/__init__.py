"""Celebrations: shared successes posted in partner channels, crediting every person and partner, and monthly recaps."""
