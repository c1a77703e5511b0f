"""Public forums (เวทีประชาคม): RSVP, opinions, reminders, attendance, outcomes and coverage."""
