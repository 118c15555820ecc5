"""The HTTP edges: parse a request, call one core service, render the answer."""
