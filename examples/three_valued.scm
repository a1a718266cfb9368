# A model with a three-valued domain: the dose D of a drug is low, medium or high, depending
# on severity S; recovery R depends on whether the dose matches the severity.
exogenous U_S in {mild, severe} ~ (3/5, 2/5)
exogenous U_D in {0, 1, 2} ~ (1/3, 1/3, 1/3)   # prescriber's habit
exogenous U_R ~ Bernoulli(1/10)                  # spontaneous recovery
S in {mild, severe} := U_S
D in {low, medium, high} := if S == severe then (if U_D == 0 then medium else high) else (if U_D == 2 then medium else low)
R := ((S == mild) and not (D == high)) or ((S == severe) and (D == high)) or U_R
