"""Booking approval in chat: the teacher's and admins' Confirm / Decline buttons for a
PENDING booking (a lesson with ``hybrid.approval``), and the family told either way.

Callback data (area ``apv``): ``apv:y:<school>:<booking>`` confirm;
``apv:n:<school>:<booking>`` decline, asking for a reason; ``apv:d:<school>:<booking>:<reason>``
decline with one of :data:`handlers.approval.texts.REASON_CODES` (0: no reason);
``apv:b:<school>:<booking>`` back to the booking. Every press is re-checked by
core.booking.approval (the lesson's teacher or an admin of that school, still PENDING).
"""
