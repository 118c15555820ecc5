"""The school file: its YAML schema and checks, the importer and its guards, moving a term's dates."""
