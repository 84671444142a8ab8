"""Reference geodata (with provenance) and the seeded scenario generator."""
