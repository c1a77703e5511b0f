"""The built-in LINE simulator: a chat page and a small emulation of the LINE API the SDK calls.

Used when no channel credentials are set, and by the tests as their fake LINE. The page posts signed
webhooks to our own `/line/webhook`; the real SDK sends to the emulated API: the production path.
"""
