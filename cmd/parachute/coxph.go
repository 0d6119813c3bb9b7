// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
)

const coxphAbout = `Fits a Cox proportional-hazards model by Newton-Raphson as R's coxph does and
prints one JSON object: coef and se by covariate (null for a column collinear
with others), loglik and loglik_null (the log partial likelihood at the fit
and at 0, without the penalty), penalty, iterations, converged and R's
warnings, and "summary", what R's summary(coxph) gives: exp(coef), exp(-coef),
z, p and the 95 % interval of exp(coef) by covariate, the concordance with its
standard error, the likelihood-ratio, Wald and score (log-rank) tests and R²
(not for a ridge fit, which R summarises differently). --table prints the
summary as R prints it. X.csv has a header and the columns time, event (1/0 or
true/false) and the covariates; --data - reads standard input.`

// coxphJSON is the output of parachute coxph.
type coxphJSON struct {
	Coef       map[string]*float64 `json:"coef"`
	SE         map[string]*float64 `json:"se"`
	LogLik     float64             `json:"loglik"`
	LogLikNull float64             `json:"loglik_null"`
	Penalty    float64             `json:"penalty"`
	Ties       string              `json:"ties"`
	Ridge      float64             `json:"ridge"`
	N          int                 `json:"n"`
	Events     int                 `json:"events"`
	Iterations int                 `json:"iterations"`
	Converged  bool                `json:"converged"`
	Warnings   []string            `json:"warnings"`
	Summary    *coxphSummaryJSON   `json:"summary,omitempty"`
}

// coxphSummaryJSON is R's summary(coxph) (see linear.CoxPHSummary).
type coxphSummaryJSON struct {
	ExpCoef         map[string]*float64  `json:"exp_coef"`
	ExpNegCoef      map[string]*float64  `json:"exp_neg_coef"`
	Z               map[string]*float64  `json:"z"`
	P               map[string]*float64  `json:"p"`
	Lower95         map[string]*float64  `json:"lower95"`
	Upper95         map[string]*float64  `json:"upper95"`
	Concordance     float64              `json:"concordance"`
	ConcordanceSE   float64              `json:"concordance_se"`
	LikelihoodRatio linear.ChiSquareTest `json:"logtest"`
	Wald            linear.ChiSquareTest `json:"waldtest"`
	Score           linear.ChiSquareTest `json:"sctest"`
	RSquare         float64              `json:"rsq"`
	MaxRSquare      float64              `json:"maxrsq"`
}

func runCoxPH(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("coxph", coxphAbout, "parachute coxph --data parachute/baselines/linear/testdata/data/lung.csv --covariates age,sex,ph.ecog")
	dataPath := fs.String("data", "", "CSV with time, event and the covariates; - for standard input (required)")
	covariates := fs.String("covariates", "", "comma-separated covariate columns (required)")
	tiesFlag := fs.String("ties", "efron", "breslow or efron (R's default)")
	ridge := fs.Float64("ridge", 0, "θ ≥ 0 of the ridge penalty (θ/2)‖β‖² (R: ridge(..., theta = θ, scale = FALSE))")
	table := fs.Bool("table", false, "print the summary as R's summary(coxph) prints it, instead of JSON")
	if err := fs.parse(args, stdout, stderr, required("data", "covariates"), existingFile("data", dataPath),
		oneOf("ties", tiesFlag, "breslow", "efron"), positive("ridge", ridge, "no penalty")); err != nil {
		return err
	}
	ties, err := linear.ParseTies(*tiesFlag)
	if err != nil {
		return err
	}
	path, cleanup, named, err := stdinAsFile(*dataPath)
	if err != nil {
		return err
	}
	defer cleanup()
	names := splitNames(*covariates)
	tab, err := linear.ReadCSV(path, names)
	if err != nil {
		return named(err)
	}
	opts := &linear.CoxPHOptions{Ties: ties, Ridge: *ridge}
	fit, err := linear.FitCoxPH(tab.X, tab.Time, tab.Event, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	sum, err := linear.SummarizeCoxPH(fit, opts, tab.X, tab.Time, tab.Event)
	if err != nil && !errors.Is(err, linear.ErrPenalised) {
		return fmt.Errorf("%s: %w", *dataPath, err)
	}
	if *table {
		if sum == nil {
			return fmt.Errorf("--table: %w", err)
		}
		printCoxPHTable(stdout, names, fit, sum)
		return nil
	}
	out := coxphJSON{Coef: map[string]*float64{}, SE: map[string]*float64{}, LogLik: fit.LogLik, LogLikNull: fit.LogLikNull,
		Penalty: fit.Penalty, Ties: ties.String(), Ridge: *ridge, N: len(tab.Time), Iterations: fit.Iterations,
		Converged: fit.Converged, Warnings: append([]string{}, fit.Warnings...)}
	for _, e := range tab.Event {
		if e {
			out.Events++
		}
	}
	for j, name := range names {
		out.Coef[name], out.SE[name] = finiteOrNil(fit.Coef[j]), finiteOrNil(fit.SE[j])
	}
	if sum != nil {
		byName := func(v []float64) map[string]*float64 {
			m := map[string]*float64{}
			for j, name := range names {
				m[name] = finiteOrNil(v[j])
			}
			return m
		}
		out.Summary = &coxphSummaryJSON{ExpCoef: byName(sum.ExpCoef), ExpNegCoef: byName(sum.ExpNeg), Z: byName(sum.Z), P: byName(sum.P),
			Lower95: byName(sum.Lower), Upper95: byName(sum.Upper), Concordance: sum.Concordance, ConcordanceSE: sum.ConcordanceSE,
			LikelihoodRatio: sum.LikelihoodRatio, Wald: sum.Wald, Score: sum.Score, RSquare: sum.RSquare, MaxRSquare: sum.MaxR2}
	}
	return printJSON(stdout, out)
}

// splitNames splits a comma-separated list, trimming spaces.
func splitNames(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// printCoxPHTable prints a fit's summary in the layout of R's
// print(summary(coxph)): n and events, the coefficient table, the hazard
// ratios with their 95 % intervals, the concordance and the three tests.
func printCoxPHTable(w io.Writer, names []string, fit *linear.CoxPHFit, s *linear.CoxPHSummary) {
	num := func(x float64) string {
		if math.IsNaN(x) {
			return "NA"
		}
		return strconv.FormatFloat(x, 'g', 6, 64)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "  n= %d, number of events= %d\n\n", s.N, s.Events)
	fmt.Fprintln(tw, "\tcoef\texp(coef)\tse(coef)\tz\tPr(>|z|)\t")
	for j, name := range names {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", name, num(fit.Coef[j]), num(s.ExpCoef[j]), num(fit.SE[j]), num(s.Z[j]), num(s.P[j]))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(tw, "\texp(coef)\texp(-coef)\tlower .95\tupper .95\t")
	for j, name := range names {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", name, num(s.ExpCoef[j]), num(s.ExpNeg[j]), num(s.Lower[j]), num(s.Upper[j]))
	}
	tw.Flush()
	test := func(name string, t linear.ChiSquareTest) {
		fmt.Fprintf(w, "%-21s= %.2f  on %d df,   p=%.3g\n", name, t.Statistic, t.DF, t.P)
	}
	fmt.Fprintf(w, "\nConcordance= %.3f  (se = %.3f )\n", s.Concordance, s.ConcordanceSE)
	test("Likelihood ratio test", s.LikelihoodRatio)
	test("Wald test", s.Wald)
	test("Score (logrank) test", s.Score)
}
