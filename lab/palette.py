"""The colours of every chart, on screen and on paper."""

# Okabe-Ito: distinguishable with every common form of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
