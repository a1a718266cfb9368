# Pearl's firing squad (Causality, ch. 7). A court order U reaches the captain C, who signals
# riflemen A and B; either shot kills the prisoner D. Classic counterfactual:
# "D is dead. Had A not fired, would D still be dead?"  P(D[A=0]=1 | D=1) = 10/11: given D,
# the order was given with probability 10/11 (then B fired anyway); otherwise A fired on his own.
exogenous U ~ Bernoulli(1/2)     # the court orders the execution
exogenous W ~ Bernoulli(1/10)    # rifleman A is nervous and fires on his own
C := U
A := C or W
B := C
D := A or B
