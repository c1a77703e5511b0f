"""Every message the bot decides to send, written in the transaction that decided it."""
