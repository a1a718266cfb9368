exogenous U ~ (0.5, 1.2.3)
X := U
