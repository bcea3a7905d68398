"""The functional core: plain Python, no Django."""
