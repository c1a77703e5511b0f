"""ติดตาม: a resident follows their own complaints, tips and inquiries in one list. It reads all three
domains, so it sits above them (each domain knows nothing of the others)."""
