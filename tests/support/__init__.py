"""Helpers the tests share: the test PostgreSQL, school factories, chat steps and sample values."""
