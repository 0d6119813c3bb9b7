// SPDX-License-Identifier: Apache-2.0

package linear_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

type chiSquareReference struct {
	Test   float64 `json:"test"`
	DF     int     `json:"df"`
	PValue float64 `json:"pvalue"`
}

// coxphSummaryReference is one case of testdata/reference/coxph_summary.json
// (gen/coxph_summary.R: R's summary(coxph)).
type coxphSummaryReference struct {
	Name          string             `json:"name"`
	Data          string             `json:"data"`
	Covariates    []string           `json:"covariates"`
	Ties          string             `json:"ties"`
	N             int                `json:"n"`
	NEvent        int                `json:"nevent"`
	ExpCoef       []*float64         `json:"exp_coef"`
	Z             []*float64         `json:"z"`
	P             []*float64         `json:"p"`
	ExpNegCoef    []*float64         `json:"exp_neg_coef"`
	Lower95       []*float64         `json:"lower95"`
	Upper95       []*float64         `json:"upper95"`
	Concordance   float64            `json:"concordance"`
	ConcordanceSE float64            `json:"concordance_se"`
	LogTest       chiSquareReference `json:"logtest"`
	ScoreTest     chiSquareReference `json:"sctest"`
	WaldTest      chiSquareReference `json:"waldtest"`
	RSquare       float64            `json:"rsq"`
	MaxRSquare    float64            `json:"maxrsq"`
}

// TestCoxPHSummaryMatchesR compares SummarizeCoxPH with R's summary(coxph)
// on lung, ovarian and veteran (Efron and Breslow ties, a collinear column):
// the per-covariate columns to 1e-5 relative (they inherit the fit's 1e-6),
// the concordance and its standard error to 1e-12, the three tests, their
// degrees of freedom and p-values and R² to 1e-5.
func TestCoxPHSummaryMatchesR(t *testing.T) {
	var ref struct {
		Cases []coxphSummaryReference `json:"cases"`
	}
	testutil.LoadReference(t, filepath.Join("testdata", "reference", "coxph_summary.json"), &ref)
	if len(ref.Cases) < 6 {
		t.Fatalf("%d reference cases", len(ref.Cases))
	}
	for _, r := range ref.Cases {
		t.Run(r.Name, func(t *testing.T) {
			tab, err := linear.ReadCSV(filepath.Join("testdata", "data", r.Data+".csv"), r.Covariates)
			if err != nil {
				t.Fatal(err)
			}
			ties, _ := linear.ParseTies(r.Ties)
			opts := &linear.CoxPHOptions{Ties: ties}
			fit, err := linear.FitCoxPH(tab.X, tab.Time, tab.Event, opts)
			if err != nil {
				t.Fatal(err)
			}
			s, err := linear.SummarizeCoxPH(fit, opts, tab.X, tab.Time, tab.Event)
			if err != nil {
				t.Fatal(err)
			}
			if s.N != r.N || s.Events != r.NEvent {
				t.Errorf("n %d, events %d; R %d, %d", s.N, s.Events, r.N, r.NEvent)
			}
			for _, col := range []struct {
				name      string
				got       []float64
				want      []*float64
				tolerance float64
			}{
				{"exp(coef)", s.ExpCoef, r.ExpCoef, 1e-5}, {"z", s.Z, r.Z, 1e-5}, {"p", s.P, r.P, 1e-4},
				{"exp(-coef)", s.ExpNeg, r.ExpNegCoef, 1e-5}, {"lower .95", s.Lower, r.Lower95, 1e-5}, {"upper .95", s.Upper, r.Upper95, 1e-5},
			} {
				for j, w := range col.want {
					switch {
					case w == nil && !math.IsNaN(col.got[j]):
						t.Errorf("%s[%s] = %v, R: NA", col.name, r.Covariates[j], col.got[j])
					case w != nil && !(relDiff(col.got[j], *w) <= col.tolerance):
						t.Errorf("%s[%s] = %v, R %v", col.name, r.Covariates[j], col.got[j], *w)
					}
				}
			}
			if relDiff(s.Concordance, r.Concordance) > 1e-12 || relDiff(s.ConcordanceSE, r.ConcordanceSE) > 1e-12 {
				t.Errorf("concordance %v (se %v), R %v (se %v)", s.Concordance, s.ConcordanceSE, r.Concordance, r.ConcordanceSE)
			}
			for _, test := range []struct {
				name string
				got  linear.ChiSquareTest
				want chiSquareReference
			}{{"likelihood ratio", s.LikelihoodRatio, r.LogTest}, {"Wald", s.Wald, r.WaldTest}, {"score", s.Score, r.ScoreTest}} {
				if test.got.DF != test.want.DF || relDiff(test.got.Statistic, test.want.Test) > 1e-5 || relDiff(test.got.P, test.want.PValue) > 1e-4 {
					t.Errorf("%s test %+v, R %+v", test.name, test.got, test.want)
				}
			}
			if relDiff(s.RSquare, r.RSquare) > 1e-5 || relDiff(s.MaxR2, r.MaxRSquare) > 1e-8 {
				t.Errorf("R² %v (max %v), R %v (max %v)", s.RSquare, s.MaxR2, r.RSquare, r.MaxRSquare)
			}
		})
	}
}
