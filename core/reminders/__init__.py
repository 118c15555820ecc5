"""Reminders: who needs which reminder now, and the sent-reminder log (claims with a lease)
that makes every sweep send each reminder once, even across crashed processes."""
