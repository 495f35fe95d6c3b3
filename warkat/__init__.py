"""Warkat: the e-office of Indonesian regional governments."""
