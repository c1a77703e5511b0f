"""Notices: staff announcements delivered by LINE broadcast or multicast through the outbox."""
