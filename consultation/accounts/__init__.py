"""Accounts: users, their roles, signing in and out."""
