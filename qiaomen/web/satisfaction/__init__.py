"""The satisfaction model's page (R-ANA-5) with the proactive share's breakdown (R-ANA-7)."""
