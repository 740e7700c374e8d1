"""The project's own tests (not shipped): the SDK, the emulator, the contract suite's proofs, publishing, generation."""
