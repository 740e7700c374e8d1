"""What is tested and what may be sent to it: the `Target` model (a server, how to authenticate, the tasks it is
known to hold and what each must answer), the statuses a run must reach of it, a remote target read from its
configuration, the emulator as the default target (the one place the suite imports the emulator), the send
policy (which state-changing requests may go out, and where to), and the ways to authenticate, right and wrong.
"""
