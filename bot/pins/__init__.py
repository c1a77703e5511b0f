"""Tracking PINs: how a complainant without LINE follows a case (code + PIN), stored only as a hash."""
