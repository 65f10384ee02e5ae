"""The budget area of the participation domain (R-PAR-4).

- years: the setting (amount per household, split) and fixing a year's budget from it
- spending: entries, their receipts and their approval (an explicit state machine)
- receipts: what a receipt upload may be, checked by content (SECURITY.md line 26)
- selectors: who sees which street's budget, the scoped look-ups, the remaining amounts, the figure
- disclosure: the quarterly public disclosure (公示), its PDF, and the periodic job's work
"""
