"""The waitlist of a full individual week: who waits (service), freed slots offered to the
waiting families in order, exactly once (offers), the tables (tables) and the pure rules
(rules)."""
