"""Inquiries to the information centre: questions, information requests, suggestions, praise/criticism."""
