"""Calendar entries of a school: the events, the .ics files and the week as a picture."""
