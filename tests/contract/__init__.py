"""Proofs of the contract suite: it passes the emulator, fails broken variants, signs as the official SDK does."""
