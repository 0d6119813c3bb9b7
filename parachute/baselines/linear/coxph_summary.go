// SPDX-License-Identifier: Apache-2.0

package linear

import (
	"errors"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/parachute-surv/goparachute/parachute/survival"
)

// z975 is the 0.975 quantile of the standard normal (R's qnorm(0.975)).
const z975 = 1.959963984540054

// ChiSquareTest is a test statistic with its degrees of freedom and its
// upper-tail p-value.
type ChiSquareTest struct {
	Statistic float64 `json:"test"`
	DF        int     `json:"df"`
	P         float64 `json:"pvalue"`
}

func chiSquare(stat float64, df int) ChiSquareTest {
	t := ChiSquareTest{Statistic: stat, DF: df, P: math.NaN()}
	if df > 0 && stat >= 0 {
		t.P = distuv.ChiSquared{K: float64(df)}.Survival(stat)
	}
	return t
}

// CoxPHSummary is what R's summary(coxph) reports of an unpenalised fit, by
// covariate and for the model:
//
//	exp(coef), exp(−coef), z = coef / se, p = 2 Φ(−|z|),
//	95 % interval exp(coef ± 1.959964 se) of the hazard ratio;
//	concordance C of the linear predictor xᵀβ with its
//	  infinitesimal-jackknife standard error ([survival.ConcordanceStdErr]);
//	likelihood-ratio test 2 (ℓ(β̂) − ℓ(0)), Wald test, score (log-rank)
//	  test, each on as many degrees of freedom as non-collinear covariates;
//	R² = 1 − exp(−LR / n) and its maximum 1 − exp(2 ℓ(0) / n).
//
// Covariates found collinear have NaN in every column.
type CoxPHSummary struct {
	N, Events       int
	ExpCoef, ExpNeg []float64
	Z, P            []float64
	Lower, Upper    []float64
	Concordance     float64
	ConcordanceSE   float64
	LikelihoodRatio ChiSquareTest
	Wald, Score     ChiSquareTest
	RSquare, MaxR2  float64
}

// ErrPenalised is returned by SummarizeCoxPH for a ridge fit: R summarises
// penalised models differently (coxph.penal), so these tests are not theirs.
var ErrPenalised = errors.New("linear: summary of a penalised Cox fit: R reports these tests only for unpenalised ones")

// SummarizeCoxPH summarises fit on the data it was fitted to (x, time,
// event as given to [FitCoxPH] with these options). Agrees with R survival
// 3.5-3 summary(coxph) on the committed datasets
// (testdata/reference/coxph_summary.json).
func SummarizeCoxPH(fit *CoxPHFit, opts *CoxPHOptions, x [][]float64, time []float64, event []bool) (*CoxPHSummary, error) {
	if opts != nil && opts.Ridge > 0 {
		return nil, ErrPenalised
	}
	p := len(fit.Coef)
	s := &CoxPHSummary{N: len(time)}
	for _, e := range event {
		if e {
			s.Events++
		}
	}
	df := 0
	for j := range p {
		b, se := fit.Coef[j], fit.SE[j]
		z := b / se
		s.ExpCoef = append(s.ExpCoef, math.Exp(b))
		s.ExpNeg = append(s.ExpNeg, math.Exp(-b))
		s.Z = append(s.Z, z)
		s.P = append(s.P, math.Erfc(math.Abs(z)/math.Sqrt2))
		s.Lower = append(s.Lower, math.Exp(b-z975*se))
		s.Upper = append(s.Upper, math.Exp(b+z975*se))
		if !math.IsNaN(b) {
			df++
		}
	}
	lr := 2 * (fit.LogLik - fit.LogLikNull)
	s.LikelihoodRatio, s.Wald, s.Score = chiSquare(lr, df), chiSquare(fit.Wald, df), chiSquare(fit.ScoreTest, df)
	n := float64(s.N)
	s.RSquare, s.MaxR2 = 1-math.Exp(-lr/n), 1-math.Exp(2*fit.LogLikNull/n)
	o := survival.Outcomes{Time: time, Event: event}
	lp := LinearPredictor(fit.Coef, x)
	var err error
	c, err := survival.ConcordanceIndex(o, lp)
	if err != nil {
		return nil, err
	}
	s.Concordance = c.Index
	if s.ConcordanceSE, err = survival.ConcordanceStdErr(o, lp); err != nil {
		return nil, err
	}
	return s, nil
}
