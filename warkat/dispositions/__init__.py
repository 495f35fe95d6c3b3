"""Dispositions (disposisi): the tree of instructions down the hierarchy, follow-up."""
