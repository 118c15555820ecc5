"""The database: engine and unit of work, the driver gateway, the tables, and migrations."""
