"""Case conferences: recurring schedules, agenda, rotating facilitator, RSVP, skip and move, reminders and .ics files."""
