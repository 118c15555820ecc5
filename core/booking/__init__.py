"""Booking hybrid-lesson slots: the service (service, new_bookings, reads), its rules once
(rules), the ORM queries (queries), the single-statement SQL (sql), the lesson catalog,
slots and stats."""
