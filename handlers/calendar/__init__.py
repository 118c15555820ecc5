"""/calendar for everyone: the week as a picture with its buttons, and the term as an .ics file."""
