# A CounterBench-style deterministic model: "We know that A causes B, not B causes C,
# A and C together cause D, C or B causes E." Roots are set by exogenous facts that are
# known (degenerate priors), so every question about it has answer 0 or 1 (yes/no).
exogenous U_A ~ Bernoulli(1)     # A happened
exogenous U_F ~ Bernoulli(0)     # F did not happen
A := U_A
F := U_F
B := A
C := not B
D := A and C
E := C or B or F
