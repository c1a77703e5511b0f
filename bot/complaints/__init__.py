"""General complaints (ร้องทุกข์/ร้องเรียน): intake, self-tracking, the 15-day rule, statistics."""
