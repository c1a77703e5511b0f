"""Residents: who follows us, their consent under the PDPA, their village, their data rights."""
