"""The colours of every chart, on screen and on paper."""

# Okabe-Ito: distinguishable with every common form of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
# The Okabe-Ito colours that stand out at least 3:1 (WCAG 1.4.11) against both themes' backgrounds, white and
# near-black: for lines, which have no edge to carry the contrast (blue, vermillion, bluish green, reddish purple).
LINES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")
# Markers and bars get this edge (ui.charts.show): 5.1:1 on white and 3.6:1 on the dark theme's background, so
# that a light fill such as the orange or the yellow still has a visible boundary.
EDGE = "#6E6E6E"
