// Qiaomen staff pages: no inline scripts (CSP), behaviour lives here.
