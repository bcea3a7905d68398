"""Relaydesk: an internal customer service platform.

Every colleague you serve is a customer.
"""
