"""The parent's chat: linking an account (/start), booking (/book) and their bookings (/mybookings)."""
