"""Deliberately broken emulators, to prove the contract suite reports each kind of bug (`variants.py`, and
`family.py` for the checks across operations). Test support: the product in `contract_tests/` never imports them."""
