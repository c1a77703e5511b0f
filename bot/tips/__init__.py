"""Corruption and misconduct tips (แจ้งเบาะแสการทุจริต): a sealed channel apart from complaints.

Tips live in their own tables, are served only to integrity officers, and the reporter's identity
is encrypted at rest (bot/crypto.py); every read is audited.
"""
