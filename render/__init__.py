"""The rendering engine: turns what the scenes declare into figures, videos, surfaces and a gallery."""
