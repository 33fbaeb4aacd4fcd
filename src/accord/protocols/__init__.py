"""Negotiation protocols: who may act when, and how a negotiation ends."""
