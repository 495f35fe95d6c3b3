"""Notifications: in the app, by e-mail and by web push."""
