#include "rung/check/extract.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <random>
#include <string>
#include <vector>

namespace rung {
namespace {

/// One hand-written response and the answer a careful grader reads in it: "yes", "no",
/// "undetermined", "(none)", or a reduced fraction ("~" in front when stated approximately).
struct Case {
  const char* response;
  const char* expected;
};

// ---- yes/no: the corpus -------------------------------------------------------------------------

const std::vector<Case> kYesNo = {
    // short
    {"Yes", "yes"},
    {"No", "no"},
    {"Yes.", "yes"},
    {"No.", "no"},
    {"yes", "yes"},
    {"NO", "no"},
    {"  no  \n", "no"},
    {"Nope.", "no"},
    {"Yep!", "yes"},
    {"\"Yes\"", "yes"},
    {"'no'", "no"},
    {"(No)", "no"},
    // markdown
    {"**No**", "no"},
    {"**Yes.**", "yes"},
    {"*No*", "no"},
    {"__Yes__", "yes"},
    {"`yes`", "yes"},
    {"# Answer\n\nNo", "no"},
    {"### Final Answer\n**Yes**", "yes"},
    {"**Answer:** No", "no"},
    {"**Final answer:** No", "no"},
    {"Final answer: **Yes**", "yes"},
    {"- Answer: yes", "yes"},
    {"> No, it would not.", "no"},
    // answer markers
    {"The answer is yes", "yes"},
    {"The answer is no.", "no"},
    {"Answer: No", "no"},
    {"answer: yes", "yes"},
    {"Answer - Yes", "yes"},
    {"Answer: (A) yes", "yes"},
    {"Answer: (B) No", "no"},
    {"My answer: no", "no"},
    {"The answer to the question is no.", "no"},
    {"The correct answer is \"yes\".", "yes"},
    {"The answer, therefore, is no.", "no"},
    {"Verdict: yes", "yes"},
    {"Conclusion: No.", "no"},
    {"A: Yes", "yes"},
    {"Q: Would Swoke occur if Smelm instead of not Smelm?\nA: No.", "no"},
    // leading answer with explanation
    {"Yes, because Smelm causes Slome and Slome causes Swoke.", "yes"},
    {"No, it would not.", "no"},
    {"No it would not occur.", "no"},
    {"Yes — because Broge or Slome causes Swoke, and Slome occurs.", "yes"},
    {"Yes - Swoke occurs whenever Slome does.", "yes"},
    {"Yes; Slome occurs, so Swoke occurs.", "yes"},
    {"No. Without Smelm, Slome does not occur, and Broge is absent.", "no"},
    {"Yes, it would.", "yes"},
    {"No, Kluve would not occur.", "no"},
    {"No: Smelm causes not Kluve.", "no"},
    {"Yes!\n\nExplanation: In the counterfactual world Smelm occurs, so Slome occurs.", "yes"},
    {"Yes\n\nReasoning:\n1. Smelm occurs.\n2. Slome follows.", "yes"},
    // chain of thought ending in the answer
    {"Let's think step by step. Smelm occurs, so Slome occurs. Broge or Slome causes Swoke. So the final answer is no.",
     "no"},
    {"Step 1: We observed that Swoke did not occur.\nStep 2: Therefore Broge did not occur.\nStep 3: Setting Smelm "
     "makes Slome occur.\nTherefore, yes.",
     "yes"},
    {"We know Jupu causes Tripo. Since Swabo did not occur, Jupu occurred. In the world where Smelm is set, Kluve "
     "occurs.\n\nSo, yes.",
     "yes"},
    {"First, abduction: Swabo=0 means Jupu=1. Action: set Swabo=1 and Smonuf=0. Prediction: Kluve := not Smonuf = 1. "
     "Hence Kluve occurs. The answer is yes.",
     "yes"},
    {"Reasoning through the chain: Broge does not occur, so Smelm occurs... Swoke therefore occurs.\n\n**Answer: Yes**",
     "yes"},
    {"Let me work through this.\n\n1. Broge causes not Smelm.\n2. Smelm causes Slome.\n\nIn the hypothetical, Slome "
     "occurs, so Swoke occurs. Thus the answer is: yes.",
     "yes"},
    {"Swoke would occur because Slome occurs. So no doubt about it: the answer is yes.", "yes"},
    {"Since there is no abduction needed here, we go straight to the action step. The outcome is Kluve=0. Final "
     "answer: no",
     "no"},
    {"Since no other factor matters, Snako does not occur. Therefore the answer is no.", "no"},
    {"There is no path from Smelm to Swoke other than through Slome. Thus, no.", "no"},
    {"Smelm occurs, so no.", "no"},
    {"Slome occurs in that world, so yes, Swoke would occur.", "yes"},
    {"Kluve would occur, yes.", "yes"},
    // the last committed answer wins
    {"I would say no... Actually, yes.", "yes"},
    {"At first glance the answer seems to be yes. But wait: the evidence says Broge is absent. The answer is no.",
     "no"},
    {"Initially I thought no. On reflection, the answer is yes.", "yes"},
    {"No, wait. Let me recheck. Yes.", "yes"},
    {"Yes. Hmm, actually no: Smelm blocks Slome.", "no"},
    {"The answer is yes. Wait, I made a mistake: Slome is not caused by Broge. The answer is no.", "no"},
    {"Answer: yes\n\n(Correction: the answer is no.)", "no"},
    // a marked answer beats a later remark in the explanation
    {"**Answer: No**\n\nExplanation: Smelm occurs. Yes, Slome occurs, but Swoke needs Broge.", "no"},
    {"Final answer: Yes.\n\nNote: if we had conditioned instead of intervening, no.", "yes"},
    {"\\boxed{No}\n\nYes, Slome does occur, but Snako needs Broge.", "no"},
    // negation
    {"The answer is not yes; it is no.", "no"},
    {"It is not a yes. It's a no.", "no"},
    {"No, it would not", "no"},
    {"The answer isn't yes.", "(none)"},
    {"Not yes.", "(none)"},
    // LaTeX
    {"$\\boxed{\\text{No}}$", "no"},
    {"\\boxed{\\text{yes}}", "yes"},
    {"\\boxed{Yes}", "yes"},
    {"Therefore $\\boxed{\\textbf{no}}$.", "no"},
    {"The final answer is $\\boxed{\\text{Yes}}$", "yes"},
    {"\\[ \\boxed{\\mathrm{No}} \\]", "no"},
    // hedged but committed
    {"Probably yes.", "yes"},
    {"Most likely no.", "no"},
    {"I think yes.", "yes"},
    {"I believe the answer is no, though the wording is unusual.", "no"},
    {"I'd say yes.", "yes"},
    // not answers
    {"", "(none)"},
    {"   \n\t ", "(none)"},
    {"Maybe.", "(none)"},
    {"Yes or no?", "(none)"},
    {"Yes and no.", "(none)"},
    {"yes/no", "(none)"},
    {"It could be yes or no depending on Broge.", "(none)"},
    {"The answer is yes if Broge occurs and no otherwise.", "(none)"},
    {"Answer with yes or no.", "(none)"},
    {"Would Swoke occur? Yes?", "(none)"},
    {"Swoke would occur.", "(none)"},
    {"No abduction is needed here; Slome occurs in the intervened world.", "(none)"},
    {"There is no information about Broge.", "(none)"},
    {"The question asks whether Kluve would occur if Swabo and not Smonuf.", "(none)"},
    {"(A)", "(none)"},
    {"Not necessarily.", "(none)"},
    {"I'm not sure.", "(none)"},
    {"It depends.", "undetermined"},
    {"I cannot tell.", "undetermined"},
    {"It is not possible to determine whether Swoke would occur.", "undetermined"},
    {"It is impossible to say without knowing Broge.", "undetermined"},
    {"The answer cannot be determined from the information given.", "undetermined"},
    {"Answer: undetermined", "undetermined"},
    {"There is not enough information to answer.", "undetermined"},
    {"Not enough information.", "undetermined"},
    {"Unknown.", "undetermined"},
    {"\\boxed{\\text{cannot be determined}}", "undetermined"},
    {"Yes. Although, honestly, it is impossible to determine whether Broge occurred.", "undetermined"},
    // a decline inside reasoning does not override a later answer, nor a remark an earlier one
    {"We cannot determine Broge directly, but the evidence fixes it: Broge occurs. So yes.", "yes"},
    {"I cannot tell from the first fact alone. Combining both facts, the answer is yes.", "yes"},
    {"Yes. Note that the value of U_Broge is unknown, but Swoke occurs either way.", "yes"},
    {"No. We cannot determine U_X itself, and we do not need to.", "no"},
    // contradictory
    {"Yes. No.", "no"},
    {"Answer: yes. Answer: no.", "no"},
    // other languages: not supported, left unanswered
    {"Ja.", "(none)"},
    {"Nein.", "(none)"},
    {"Oui.", "(none)"},
    {"Sí.", "(none)"},
    {"是", "(none)"},
    {"Нет.", "(none)"},
    // realistic long answers
    {"To answer this, let's break down the causal relationships:\n\n- Broge causes not Smelm\n- Smelm causes Slome\n- "
     "Broge or Slome causes Swoke\n\nIf Smelm had occurred instead of not occurring, Slome would occur, and therefore "
     "Swoke would occur.\n\n**Yes**, Swoke would occur.",
     "yes"},
    {"Given: Jupu causes Tripo and Dolvo.\nObserved: Swabo did not occur → Jupu occurred.\nIntervention: Swabo, not "
     "Smonuf.\nKluve := not Smonuf → Kluve occurs.\n\n**Final Answer: Yes**",
     "yes"},
    {"Let's analyze.\n\nThe observation tells us Swabo did not occur. Because not Jupu causes Swabo, Jupu must have "
     "occurred.\n\nNow consider the hypothetical. No matter what Jupu is, Smonuf is forced off, so Kluve occurs.\n\n"
     "The answer is **yes**.",
     "yes"},
    {"Okay, so we need to figure out whether Snako occurs. Snako needs both Broge and Smelm. In the counterfactual, "
     "Broge is absent. So no, Snako would not occur.",
     "no"},
    {"<think>Broge is 1... so Smelm is 0. If Smelm were 1, Slome=1, Swoke=1.</think>\n\nYes", "yes"},
    {"Answer: No\nConfidence: 90%", "no"},
    {"Sure! The answer is: No.", "no"},
    {"Great question. In short: yes.", "yes"},
    {"1. Yes", "yes"},
    {"Yes, no doubt.", "yes"},
    {"No; in fact Swoke never occurs in that world.", "no"},
    {"Based on the causal structure, my final answer is: **no**.", "no"},
    {"The answer would be yes.", "yes"},
    {"So the answer must be no.", "no"},
    {"ANSWER: YES", "yes"},
    {"Final Answer\n\nNo, Kluve would not occur.", "no"},
    // more phrasings seen in model output
    {"Based on the given information, Swoke would occur. Yes.", "yes"},
    {"**Reasoning:**\n1. Broge causes not Smelm.\n2. No intervention on Broge.\n\n**Answer:** Yes", "yes"},
    {"The answer is \"No\".", "no"},
    {"Answer: No, Kluve would not occur.", "no"},
    {"In this hypothetical world, the answer is No.", "no"},
    {"To determine this, consider: if Smelm occurred, then Slome occurs. Since Broge or Slome causes Swoke, Swoke "
     "occurs. **Yes.**",
     "yes"},
    {"**Yes** — Swoke would occur.", "yes"},
    {"Given the conditions, no, Snako would not occur.", "no"},
    {"The correct response is: No", "no"},
    {"Answer:\nNo", "no"},
    {"Final Answer: The final answer is No. I hope it is correct.", "no"},
    {"Absolutely! Yes.", "yes"},
    {"Correct answer: (B) No", "no"},
    {"Let me reconsider. My previous answer of yes was wrong. The correct answer is no.", "no"},
    {"The answer is no, not yes.", "no"},
    {"The answer is yes. No further explanation needed.", "yes"},
    {"Therefore, the counterfactual outcome is that Kluve occurs (yes).", "yes"},
    {"No...", "no"},
    {"It would. Yes.", "yes"},
    {"A) Yes", "yes"},
    {"Would Kluve occur? No, Kluve would not occur.", "no"},
    {"There's no way Snako occurs. No.", "no"},
    {"I don't think so. No.", "no"},
    {"Nope, it wouldn't.", "no"},
    {"Response: No.", "no"},
    {"No — wait, yes.", "yes"},
    {"answer = yes", "yes"},
    {"<answer>No</answer>", "no"},
    {"[Yes]", "yes"},
    {"- Final answer: **No**", "no"},
    {"Yes/No: Yes", "yes"},
    {"I cannot determine Broge from the facts given, so it is unclear whether Swoke occurs.", "undetermined"},
    {"It's unclear.", "undetermined"},
    {"Let's analyze step by step.\n\n1. **Broge causes not Smelm**: If Broge occurs, Smelm does not occur.\n2. "
     "**Smelm causes Slome**: Slome follows Smelm.\n\nSince Smelm occurs in this hypothetical, Slome occurs, and thus "
     "Swoke occurs.\n\n**Answer: Yes**",
     "yes"},
    {"The answer is: **No**\n\nExplanation: Broge is absent.", "no"},
    {"Based on the causal relationships provided, **Swoke would occur** if Smelm occurred instead of not occurring. "
     "The answer is yes.",
     "yes"},
    {"Swoke would not occur. \n\nAnswer: no", "no"},
    {"The answer is **no**. Here's why: Snako needs Broge. Therefore, Snako would **not** occur.", "no"},
    {"**No.** Here's the reasoning: if the answer were yes, then Broge would have to occur.", "no"},
    {"In summary, the answer to 'Would Swoke occur if Smelm instead of not Smelm?' is yes.", "yes"},
    {"Yes (Swoke occurs).", "yes"},
    {"The final answer is therefore yes.", "yes"},
    {"I'll answer no.", "no"},
    {"Final verdict: NO", "no"},
    {"Therefore, my answer is: Yes, Swoke would occur.", "yes"},
    {"The probability is 1, so yes.", "yes"},
    {"Yes.\n\nWait, let me double-check... Actually the answer is still yes.", "yes"},
    {"The answer is neither yes nor no.", "(none)"},
    {"Definitely not.", "no"},
    {"Of course not.", "no"},
    {"Absolutely not, Kluve would not occur.", "no"},
    {"Answer: certainly not", "no"},
    {"Certainly not? Let me check.", "(none)"},
    {"Yes. No. Maybe.", "no"},
    {"**Answer**: no", "no"},
    {"Answer — No.", "no"},
    {"The answer is NO.", "no"},
    {"Short answer: yes. Long answer: it depends on how you read the question.", "undetermined"},
    {"I believe that yes, it would.", "yes"},
    // reasoning models: only the text after the reasoning counts
    {"<think>Is the answer no? If we condition on Smelm, the answer is no. But we intervene, so Slome occurs."
     "</think>\n\nYes",
     "yes"},
    {"<thinking>\nFinal answer: yes? No wait.\n</thinking>\nThe answer is no.", "no"},
    {"<think>So the answer is yes.</think>", "yes"},
    {"<think>So the answer is yes.</think>\nI am not able to answer that.", "(none)"},
    {"<think>The answer is no. Let me keep thinking about Broge and", "no"},
};

// ---- numbers: the corpus ------------------------------------------------------------------------

const std::vector<Case> kNumeric = {
    {"7/20", "7/20"},
    {"0.35", "7/20"},
    {".35", "7/20"},
    {"35%", "7/20"},
    {"35 %", "7/20"},
    {"35 percent", "7/20"},
    {"The probability is 0.35.", "7/20"},
    {"approximately 0.35", "~7/20"},
    {"≈ 0.35", "~7/20"},
    {"about 35%", "~7/20"},
    {"roughly 0.33", "~33/100"},
    {"~0.35", "~7/20"},
    {"0.333...", "~333/1000"},
    {"\\frac{7}{20}", "7/20"},
    {"$\\frac{7}{20}$", "7/20"},
    {"\\dfrac{1}{3}", "1/3"},
    {"\\boxed{0.35}", "7/20"},
    {"$\\boxed{\\frac{7}{20}}$", "7/20"},
    {"P = 0.35", "7/20"},
    {"P(Y=1) = 0.35", "7/20"},
    {"P(Y=1 | do(X=1)) = 7/20", "7/20"},
    {"P(Y_{X=1}=1 | X=0) = 0.35", "7/20"},
    {"$P(Y_{X=1} = 1) = \\frac{7}{20}$", "7/20"},
    {"The answer is 7/20.", "7/20"},
    {"Answer: 0.35", "7/20"},
    {"**Answer:** 7/20", "7/20"},
    {"Final answer: 0.35", "7/20"},
    {"0", "0"},
    {"1", "1"},
    {"The probability is 1.", "1"},
    {"The probability is 0, since Y never occurs.", "0"},
    {"-0.1", "-1/10"},
    {"ATE = -0.1", "-1/10"},
    {"The ATE is 0.5 - 0.6 = -0.1.", "-1/10"},
    // computations: the result, not the operands
    {"P = 0.5 * 0.7 = 0.35", "7/20"},
    {"P = 0.5 × 0.7 = 0.35", "7/20"},
    {"0.3 + 0.05 = 0.35", "7/20"},
    {"1 - 0.65 = 0.35", "7/20"},
    {"(1/2)(7/10) = 7/20", "7/20"},
    {"= 1/2 · 7/10 = 7/20", "7/20"},
    {"$\\frac{1}{2} \\times \\frac{7}{10} = \\frac{7}{20}$", "7/20"},
    // chains: the exact form is kept
    {"7/20 = 0.35", "7/20"},
    {"0.35 = 7/20", "7/20"},
    {"7/20 (0.35)", "7/20"},
    {"1/3 ≈ 0.333", "1/3"},
    {"P(Y=1) = 1/3 ≈ 0.33", "1/3"},
    {"about 0.333, i.e. 1/3", "1/3"},
    {"0.35, or 35%", "7/20"},
    {"The answer is 35% (0.35).", "7/20"},
    {"approximately 0.33 (about 33%)", "~33/100"},
    // several numbers: the last committed one wins
    {"P(X=1) = 0.5 and P(Y=1 | X=1) = 0.7, so P(Y=1) = 0.35.", "7/20"},
    {"First I got 0.4, but correcting the posterior gives 0.35.", "7/20"},
    {"The answer is 0.35. Note that P(X=1) = 0.5 on its own.", "7/20"},
    {"**0.35**\n\nFor comparison, the prior is 0.5.", "7/20"},
    {"\\boxed{0.35}\n\nThe no-abduction answer would be 0.5.", "7/20"},
    {"Step 1: P(U=1) = 0.5.\nStep 2: P(Y=1 | U=1) = 0.7.\nStep 3: multiply: 0.35", "7/20"},
    {"1. Abduction: P(U=1 | X=1) = 2/3.\n2. Prediction: 1/2.\n\nSo the probability is 1/2.", "1/2"},
    {"There are 4 worlds; in 3 of them Y occurs, so 3 out of 4.", "3/4"},
    {"3 out of 4", "3/4"},
    // not answers
    {"", "(none)"},
    {"I don't know.", "(none)"},
    {"It cannot be determined.", "undetermined"},
    {"Y = 1", "(none)"},
    {"X1 and X2", "(none)"},
    {"Between 0.2 and 0.35.", "(none)"},
    {"0.2-0.35", "(none)"},
    {"Yes.", "(none)"},
    {"Step 3", "(none)"},
    {"The third option", "(none)"},
    // realistic long answers
    {"**Step 1 — Abduction.** Given X=1, the posterior is P(U=1 | X=1) = 2/3.\n\n**Step 2 — Action.** Set "
     "X=0.\n\n**Step "
     "3 — Prediction.** Y[X=0] = U, so P(Y[X=0]=1 | X=1) = 2/3.\n\n**Answer: 2/3 ≈ 0.667**",
     "2/3"},
    {"Using the formula:\n$$P(Y_{x} = 1) = \\sum_u P(Y=1 | X=x, U=u) P(U=u) = 0.7 \\cdot 0.5 + 0 \\cdot 0.5 = "
     "0.35$$\n\nThe "
     "probability is $0.35$.",
     "7/20"},
    {"The probability of necessity is PN = 0.6.", "3/5"},
    {"PNS = P(Y_1=1, Y_0=0) = 0.25", "1/4"},
    {"So the answer is approximately 0.4 (exactly 2/5).", "2/5"},
    {"The answer is 1/4. (If we had ignored the evidence we would get 1/2.)", "1/4"},
    {"Final answer: 0.125", "1/8"},
    {"I estimate around 30%.", "~3/10"},
    {"The answer is 0.35 (rounded)", "~7/20"},
    {"E[Y_1] - E[Y_0] = 0.8 - 0.5 = 0.3", "3/10"},
    // more phrasings seen in model output
    {"The probability that Y would be 1 had X been 0 is 0.35.", "7/20"},
    {"**Answer: 0.35**", "7/20"},
    {"The final answer is $\\boxed{\\dfrac{7}{20}}$.", "7/20"},
    {"So P(Y=1|do(X=1)) ≈ 0.35 (35%).", "~7/20"},
    {"We have P(U=1) = 0.3 and P(U=0) = 0.7. Then P(Y=1) = 0.3 × 1 + 0.7 × 0.5 = 0.65. So the answer is 0.65.",
     "13/20"},
    {"The ATE is E[Y|do(X=1)] − E[Y|do(X=0)] = 0.6 − 0.4 = 0.2.", "1/5"},
    {"Answer: 35 percent", "7/20"},
    {"The probability is 7 / 20.", "7/20"},
    {"Approximately 33.3%.", "~333/1000"},
    {"P = 1/3 = 0.333...", "1/3"},
    {"The answer is 0.35, i.e., 35%.", "7/20"},
    {"The answer is between 0.3 and 0.4, probably 0.35.", "7/20"},
    {"There is a 35% chance.", "7/20"},
    {"The probability is 3/4, because 3 of the 4 equally likely units have Y=1.", "3/4"},
    {"Answer: 1", "1"},
    {"Y=1 with probability 1/4.", "1/4"},
    {"The answer is \\(\\frac{1}{4}\\).", "1/4"},
    {"p ≈ .35", "~7/20"},
    {"P(Y=1) = 0.5 * 0.5 + 0.5 * 0.2 = 0.25 + 0.1 = 0.35", "7/20"},
    {"Final answer: 7/20 (0.35)", "7/20"},
    {"The probability is about 0.35 or 7/20.", "7/20"},
    {"P(Y[X=1]=1) - P(Y[X=0]=1) = 0.1", "1/10"},
    {"Step 1: compute P(U=1|E) = 2/3\nStep 2: P(Y=1) = 2/3 * 1/2 = 1/3\nFinal: 1/3", "1/3"},
    {"1. P(X=1) = 0.5\n2. P(Y=1|X=1) = 0.7\n3. Answer: 0.35", "7/20"},
    {"I would estimate the probability at around 0.4, but the exact value is 0.35.", "7/20"},
    {"The effect is $-\\frac{1}{4}$.", "-1/4"},
    {"The effect is $1 -\\frac{1}{4}$, that is 0.75.", "3/4"},
};

// ---- intervals: the corpus ------------------------------------------------------------------------

const std::vector<Case> kInterval = {
    {"[-0.1, 0.35]", "[-1/10, 7/20]"},
    {"The tightest interval is [-0.1, 0.35].", "[-1/10, 7/20]"},
    {"Final answer: (0.2, 0.5)", "[1/5, 1/2]"},
    {"The ATE lies in [0.2; 0.5].", "[1/5, 1/2]"},
    {"The bounds are [0.2 to 0.5]", "[1/5, 1/2]"},
    {"It lies between 0.2 and 0.5.", "[1/5, 1/2]"},
    {"The effect ranges from -0.3 to 0.45.", "[-3/10, 9/20]"},
    {"So -0.3 <= ATE <= 0.45.", "[-3/10, 9/20]"},
    {"-0.3 ≤ P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)) ≤ 0.45", "[-3/10, 9/20]"},
    {"$-\\frac{3}{10} \\le \\text{ATE} \\le \\frac{9}{20}$", "[-3/10, 9/20]"},
    {"\\boxed{[-0.3, 0.45]}", "[-3/10, 9/20]"},
    {"**[-30%, 45%]**", "[-3/10, 9/20]"},
    {"[0.45, -0.3]", "[-3/10, 9/20]"},  // ends put in order
    {"roughly [0.2, 0.5]", "~[1/5, 1/2]"},
    {"The answer is [0.2, 0.5], not the trivial [0, 1].", "[1/5, 1/2]"},
    {"The interval is [0.2, 0.5], not the trivial [0, 1].\nFinal answer: [0.2, 0.5]", "[1/5, 1/2]"},
    {"Ignoring the confounder the effect would be 0.25; the answer is [0.1, 0.4].", "[1/10, 2/5]"},
    {"The ATE is 0.25.", "1/4"},  // a single number: read, and scored as wrong
    {"It cannot be determined from the data.", "undetermined"},
    {"Let me look at the graph first.", "(none)"},
};

std::string extracted(const Case& c, AnswerKind kind) { return to_string(extract_answer(c.response, kind)); }

TEST(ExtractCorpus, Interval) {
  for (const auto& c : kInterval) {
    EXPECT_EQ(extracted(c, AnswerKind::interval), c.expected) << "response: " << c.response;
  }
}

TEST(ExtractAnswer, IntervalsAreReadOnlyForIntervalQuestions) {
  // For a numeric question the ends of an interval are a range, not an answer.
  EXPECT_EQ(to_string(extract_answer("It lies between 0.2 and 0.5.", AnswerKind::numeric)), "(none)");
  const ExtractedAnswer a = extract_answer("Answer: [-0.1, 0.35]", AnswerKind::interval);
  EXPECT_EQ(a.commitment, Commitment::interval);
  EXPECT_EQ(a.strength, Strength::answer);
  EXPECT_EQ(*a.value, Rational(-1, 10));
  EXPECT_EQ(*a.upper, Rational(7, 20));
  EXPECT_EQ(a.evidence, "Answer: [-0.1, 0.35]");
  EXPECT_TRUE(a.answered());
  EXPECT_EQ(to_string(Commitment::interval), "interval");
}

TEST(ExtractCorpus, YesNo) {
  for (const auto& c : kYesNo) {
    EXPECT_EQ(extracted(c, AnswerKind::yes_no), c.expected) << "response: " << c.response;
  }
}

TEST(ExtractCorpus, Numeric) {
  for (const auto& c : kNumeric) {
    EXPECT_EQ(extracted(c, AnswerKind::numeric), c.expected) << "response: " << c.response;
  }
}

TEST(ExtractCorpus, HasAtLeast150HandWrittenCases) { EXPECT_GE(kYesNo.size() + kNumeric.size(), 150U); }

// ---- composed responses: reasoning + a marked final answer + a trailing remark ------------------------

/// Responses built from parts whose reading is unambiguous: the musings and trailing remarks only
/// hold clause-strength candidates (or none), the final part holds a marked answer, so the
/// extracted answer must be the final one.
TEST(ExtractComposed, YesNoFinalAnswerWins) {
  const std::vector<std::string> musings = {
      "Broge causes not Smelm. ",
      "There is no abduction needed here. ",
      "If the answer were yes, Broge would occur. ",
      "We cannot determine U_X directly, but the evidence helps. ",
      "Step 2: set Smelm=1 and compute Slome. ",
      "Let me think about whether the answer is yes or no. ",
      "Hmm, no. Let me redo this. ",
      "At first I thought yes. ",
      "<think>the answer is probably {other}</think>",
      "**Step 1 — Abduction.** Given Smelm=0, Broge=1.\n",
      "1. Smelm occurs.\n2. Slome follows.\n",
      "",
  };
  const std::vector<std::string> finals = {
      "The answer is {a}.",         "**Answer:** {A}",          "Final answer: {a}",
      "$\\boxed{{\\text{{{A}}}}}$", "So the final answer is **{a}**.", "<answer>{A}</answer>",
      "Answer: (B) {a}",            "\n\n**{A}**",            "Therefore, my answer is: {A}, as shown above.",
      "\n### Final Answer\n{A}",   "Verdict: {A}.",            "The correct answer is \"{a}\".",
  };
  const std::vector<std::string> remarks = {
      "", "\n\nNote: Slome occurs.", "\n\nThis assumes no hidden factors.",
      "\n\nIf we had conditioned instead, {other}.", "\nYes, Broge occurs here too.", "\n\n(Confidence: high)",
  };
  std::mt19937_64 rng(20261125);
  for (int n = 0; n < 600; ++n) {
    const bool yes = rng() % 2 == 0;
    const std::string a = yes ? "yes" : "no";
    const std::string A = yes ? "Yes" : "No";
    const std::string other = yes ? "no" : "yes";
    std::string text;
    for (int k = static_cast<int>(rng() % 4); k > 0; --k) text += musings[rng() % musings.size()];
    text += finals[rng() % finals.size()];
    text += remarks[rng() % remarks.size()];
    text = fmt::format(fmt::runtime(text), fmt::arg("a", a), fmt::arg("A", A), fmt::arg("other", other));
    // A reasoning block only counts when nothing follows it, which the finals rule out.
    EXPECT_EQ(to_string(extract_answer(text, AnswerKind::yes_no)), a) << "response: " << text;
  }
}

TEST(ExtractComposed, NumericFinalAnswerWins) {
  const std::vector<std::string> musings = {
      "P(U=1) = 0.5. ",
      "Then 0.5 * 0.7 = 0.35 and 1 - 0.2 = 0.8. ",
      "Step 3: there are 4 worlds. ",
      "Without abduction we would get 1/2. ",
      "1. Abduction: P(U=1 | X=1) = 2/3.\n2. Prediction.\n",
      "$P(Y_{{X=1}}=1) = \\sum_u P(Y=1|u)P(u)$. ",
      "",
  };
  const std::vector<std::string> finals = {
      "The answer is {v}.",
      "**Answer:** {v}",
      "Final answer: {v}",
      "$\\boxed{{{v}}}$",
      "So P(Y=1 | do(X=1)) = {v}, which is the answer: {v}.",
      "The final answer is {v}.",
      "\n\n**{v}**",
  };
  const std::vector<std::string> remarks = {"", "\n\nFor comparison, the prior is 0.5.",
                                            " (The no-abduction value would be 0.25.)", "\n\nStep 4: done."};
  std::mt19937_64 rng(7);
  for (int n = 0; n < 600; ++n) {
    const long long q = 2 + static_cast<long long>(rng() % 19);
    const long long p = static_cast<long long>(rng() % static_cast<unsigned long long>(q + 1));
    const Rational value(p, q);
    // Written as a fraction, LaTeX, or (when it terminates) a decimal or percent.
    std::vector<std::string> forms = {fmt::format("{}/{}", p, q), fmt::format("\\frac{{{}}}{{{}}}", p, q)};
    const std::string decimal = to_decimal(value, 12);
    if (try_parse_rational(decimal) == value) {
      forms.push_back(decimal);
      forms.push_back(fmt::format("{}/{} = {}", p, q, decimal));
      const std::string percent = to_decimal(value * 100, 10) + "%";
      forms.push_back(percent);
    }
    const std::string v = forms[rng() % forms.size()];
    std::string text;
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) text += musings[rng() % musings.size()];
    text += finals[rng() % finals.size()];
    text += remarks[rng() % remarks.size()];
    text = fmt::format(fmt::runtime(text), fmt::arg("v", v));
    const auto a = extract_answer(text, AnswerKind::numeric);
    ASSERT_EQ(a.commitment, Commitment::number) << "response: " << text;
    EXPECT_EQ(*a.value, value) << "response: " << text;
    EXPECT_FALSE(a.approximate) << "response: " << text;
  }
}

// ---- details of the contract --------------------------------------------------------------------

TEST(ExtractAnswer, StrengthAndEvidence) {
  auto a = extract_answer("Smelm occurs, so Slome occurs.\n\n**Final answer:** No", AnswerKind::yes_no);
  EXPECT_EQ(a.commitment, Commitment::no);
  EXPECT_EQ(a.strength, Strength::final_answer);
  EXPECT_EQ(a.evidence, "Final answer: No");
  auto b = extract_answer("No, it would not.", AnswerKind::yes_no);
  EXPECT_EQ(b.strength, Strength::clause);
  EXPECT_EQ(b.evidence, "No");
  auto c = extract_answer("The answer is yes.", AnswerKind::yes_no);
  EXPECT_EQ(c.strength, Strength::answer);
  EXPECT_EQ(c.evidence, "answer is yes");
  EXPECT_TRUE(c.answered());
  EXPECT_FALSE(extract_answer("I cannot tell.", AnswerKind::yes_no).answered());
  EXPECT_FALSE(extract_answer("", AnswerKind::yes_no).answered());
}

TEST(ExtractAnswer, NumbersAreExact) {
  auto a = extract_answer("0.35", AnswerKind::numeric);
  ASSERT_TRUE(a.value);
  EXPECT_EQ(*a.value, Rational(7, 20));
  EXPECT_FALSE(a.approximate);
  auto b = extract_answer("approximately 0.35", AnswerKind::numeric);
  EXPECT_EQ(*b.value, Rational(7, 20));
  EXPECT_TRUE(b.approximate);
  auto c = extract_answer("0.1234567890123456789", AnswerKind::numeric);
  EXPECT_EQ(*c.value, Rational(1234567890123456789LL, 10000000000000000000ULL));
}

TEST(ExtractAnswer, KindSelectsWhatCounts) {
  EXPECT_EQ(extract_answer("No. The probability is 0.2.", AnswerKind::yes_no).commitment, Commitment::no);
  EXPECT_EQ(to_string(extract_answer("No. The probability is 0.2.", AnswerKind::numeric)), "1/5");
}

TEST(ExtractAnswer, HostileInputIsText) {
  for (const char* text :
       {"\\boxed{", "}}}}{{{", "\\frac{1}{0}", "1/0", "\xff\xfe yes", "**", "****No", "\\",
        "99999999999999999999999999999999999999999999999999999", "0.", "-", "--1", "\\frac{", "$$"}) {
    const auto a = extract_answer(text, AnswerKind::numeric);
    const auto b = extract_answer(text, AnswerKind::yes_no);
    EXPECT_LE(a.evidence.size(), 90U);
    EXPECT_LE(b.evidence.size(), 90U);
  }
  EXPECT_EQ(to_string(extract_answer("1/0", AnswerKind::numeric)), "(none)");  // 1 and 0 are operands
  EXPECT_EQ(to_string(extract_answer("\xff\xfe\nyes", AnswerKind::yes_no)), "yes");
  std::string long_text;
  for (int i = 0; i < 5000; ++i) long_text += "so so so the answer is maybe 0.5 ";
  long_text += "\nThe answer is no.";
  EXPECT_EQ(to_string(extract_answer(long_text, AnswerKind::yes_no)), "no");
}

TEST(ExtractAnswer, LongAndNestedInputsStayFast) {
  // Deep brackets, long bold spans and long chains are read in linear time.
  std::string deep(200000, '(');
  deep += "0.35";
  EXPECT_EQ(to_string(extract_answer(deep, AnswerKind::numeric)), "7/20");
  std::string chain = "**";
  for (int i = 0; i < 20000; ++i) chain += "0.5 = ";
  chain += "1/2**";
  const auto a = extract_answer(chain, AnswerKind::numeric);
  EXPECT_EQ(to_string(a), "1/2");
  EXPECT_LE(a.evidence.size(), 90U);
}

TEST(ExtractAnswer, ToString) {
  EXPECT_EQ(to_string(Commitment::undetermined), "undetermined");
  EXPECT_EQ(to_string(Strength::final_answer), "final_answer");
  ExtractedAnswer a;
  EXPECT_EQ(to_string(a), "(none)");
  a.commitment = Commitment::number;
  a.value = Rational(1, 3);
  a.approximate = true;
  EXPECT_EQ(to_string(a), "~1/3");
}

}  // namespace
}  // namespace rung
