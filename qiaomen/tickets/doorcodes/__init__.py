"""QR door codes: the codes themselves (codes) and the resident page behind them (residents)."""
