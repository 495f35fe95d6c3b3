"""Signature providers: the tenant CA (keys held by Warkat) and BSrE (remote signing)."""
