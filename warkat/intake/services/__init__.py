"""Writes of letters from outside (see the modules)."""
