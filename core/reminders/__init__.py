"""Reminders: who needs which reminder now, and the sent-reminder log that keeps sweeps idempotent."""
