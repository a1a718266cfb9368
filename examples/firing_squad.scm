# Pearl's firing squad (Causality, ch. 7). A court order U reaches the captain C, who signals
# riflemen A and B; either shot kills the prisoner D. Classic counterfactual:
# "D is dead. Had A not fired, would D be alive?"  P(D[A=0]=1 | D=1) = 1 (B fired anyway).
exogenous U ~ Bernoulli(1/2)     # the court orders the execution
exogenous W ~ Bernoulli(1/10)    # rifleman A is nervous and fires on his own
C := U
A := C or W
B := C
D := A or B
