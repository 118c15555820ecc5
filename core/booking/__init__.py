"""Booking hybrid-lesson slots: the service, its single-statement SQL, the lesson catalog, slots and stats."""
