// SPDX-License-Identifier: Apache-2.0

package survival_test

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

type refConcordance struct {
	Concordance float64 `json:"concordance"`
	Concordant  float64 `json:"concordant"`
	Discordant  float64 `json:"discordant"`
	TiedX       float64 `json:"tied_x"`
	TiedY       float64 `json:"tied_y"`
	TiedXY      float64 `json:"tied_xy"`
}

type refKM struct {
	Time          []float64        `json:"time"`
	NRisk         []int            `json:"n_risk"`
	NEvent        []int            `json:"n_event"`
	NCensor       []int            `json:"n_censor"`
	Surv          []float64        `json:"surv"`
	StdErr        []testutil.Float `json:"std_err"`
	Lower         []testutil.Float `json:"lower"`
	Upper         []testutil.Float `json:"upper"`
	QuantileProbs []float64        `json:"quantile_probs"`
	Quantile      []testutil.Float `json:"quantile"`
	QuantileLower []testutil.Float `json:"quantile_lower"`
	QuantileUpper []testutil.Float `json:"quantile_upper"`
}

type refLogRank struct {
	Group []int       `json:"group"`
	Obs   []float64   `json:"obs"`
	Exp   []float64   `json:"exp"`
	Var   [][]float64 `json:"var"`
	ChiSq float64     `json:"chisq"`
	DF    int         `json:"df"`
	P     float64     `json:"p"`
}

type reference struct {
	Time          []float64        `json:"time"`
	Event         []bool           `json:"event"`
	Risk          []float64        `json:"risk"`
	LoglikBreslow float64          `json:"loglik_breslow"`
	Times         []float64        `json:"times"`
	Tau           float64          `json:"tau"`
	Harrell       refConcordance   `json:"harrell"`
	Uno           refConcordance   `json:"uno"`
	UnoTau        refConcordance   `json:"uno_tau"`
	KM            map[string]refKM `json:"km"`
	LogRank2      refLogRank       `json:"logrank2"`
	LogRank3      refLogRank       `json:"logrank3"`
	Breslow       struct {
		Time        []float64   `json:"time"`
		Hazard      []float64   `json:"hazard"`
		SurvAtTimes [][]float64 `json:"surv_at_times"`
	} `json:"breslow"`
	AUC         []float64 `json:"auc"`
	Brier       []float64 `json:"brier"`
	Calibration struct {
		Horizon   float64   `json:"horizon"`
		Bins      int       `json:"bins"`
		Predicted []float64 `json:"predicted"`
		Bin       []struct {
			Rows      []int   `json:"rows"`
			Predicted float64 `json:"predicted"`
			Observed  float64 `json:"observed"`
			Lower     float64 `json:"lower"`
			Upper     float64 `json:"upper"`
		} `json:"bin"`
	} `json:"calibration"`
	Censoring struct {
		TrainRows []int     `json:"train_rows"`
		TestTimes []float64 `json:"test_times"`
		GAt       []float64 `json:"g_at"`
		GLeft     []float64 `json:"g_left"`
		GAtTimes  []float64 `json:"g_at_times"`
	} `json:"censoring"`
}

func (r *reference) outcomes() survival.Outcomes {
	return survival.Outcomes{Time: r.Time, Event: r.Event}
}

// referenceDatasets are the datasets of testdata/gen/reference.R.
var referenceDatasets = []string{"lung", "veteran", "pbc", "ovarian", "ties"}

func loadReferences(t *testing.T) map[string]*reference {
	t.Helper()
	refs := map[string]*reference{}
	for _, name := range referenceDatasets {
		r := new(reference)
		testutil.LoadReference(t, filepath.Join("testdata", "reference", name+".json"), r)
		refs[name] = r
	}
	return refs
}

func TestConcordanceIndexMatchesR(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			c, err := survival.ConcordanceIndex(ref.outcomes(), ref.Risk)
			if err != nil {
				t.Fatal(err)
			}
			want := ref.Harrell
			testutil.CheckClose(t, "index", c.Index, want.Concordance, testutil.SameEstimator)
			if float64(c.Concordant) != want.Concordant || float64(c.Discordant) != want.Discordant ||
				float64(c.TiedRisk) != want.TiedX || float64(c.TiedTime) != want.TiedY+want.TiedXY {
				t.Errorf("counts %+v, R: concordant %v discordant %v tied.x %v tied.y+tied.xy %v",
					c, want.Concordant, want.Discordant, want.TiedX, want.TiedY+want.TiedXY)
			}
		})
	}
}

func TestConcordanceIndexIPCWMatchesR(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				label string
				tau   float64
				want  refConcordance
			}{{"no tau", 0, ref.Uno}, {"tau", ref.Tau, ref.UnoTau}} {
				c, err := survival.ConcordanceIndexIPCW(ref.outcomes(), ref.Risk,
					&survival.IPCWOptions{Convention: survival.RConvention, Tau: tc.tau})
				if err != nil {
					t.Fatalf("%s: %v", tc.label, err)
				}
				testutil.CheckClose(t, tc.label+" index", c.Index, tc.want.Concordance, testutil.SameEstimator)
				testutil.CheckClose(t, tc.label+" concordant", c.Concordant, tc.want.Concordant, testutil.SameEstimator)
				testutil.CheckClose(t, tc.label+" discordant", c.Discordant, tc.want.Discordant, testutil.SameEstimator)
				testutil.CheckClose(t, tc.label+" tied", c.TiedRisk, tc.want.TiedX, testutil.SameEstimator)
			}
		})
	}
}

func TestKaplanMeierMatchesR(t *testing.T) {
	types := map[string]survival.ConfType{"log": survival.ConfLog, "log-log": survival.ConfLogLog, "plain": survival.ConfPlain}
	for name, ref := range loadReferences(t) {
		for tname, ct := range types {
			t.Run(name+"/"+tname, func(t *testing.T) {
				want := ref.KM[tname]
				c, err := survival.KaplanMeier(ref.outcomes(), &survival.KMOptions{ConfType: ct})
				if err != nil {
					t.Fatal(err)
				}
				testutil.CheckAllClose(t, "time", c.Time, want.Time, 0)
				if !equalInts(c.AtRisk, want.NRisk) || !equalInts(c.Events, want.NEvent) || !equalInts(c.Censored, want.NCensor) {
					t.Errorf("counts differ from survfit")
				}
				testutil.CheckAllClose(t, "surv", c.Surv, want.Surv, testutil.SameEstimator)
				// R reports NA for the standard error and the limits once S
				// has reached 0 (and log-log limits where S = 1); compare
				// elsewhere, and check the documented values there.
				for k := range c.Surv {
					se, lo, hi := float64(want.StdErr[k]), float64(want.Lower[k]), float64(want.Upper[k])
					if c.Surv[k] == 0 {
						if c.Lower[k] != 0 || c.Upper[k] != 0 {
							t.Errorf("S = 0 at %v: limits %v, %v, want 0, 0", c.Time[k], c.Lower[k], c.Upper[k])
						}
						continue
					}
					testutil.CheckClose(t, "std err", c.StdErr[k], se, testutil.SameEstimator)
					if c.Surv[k] == 1 && ct == survival.ConfLogLog {
						if c.Lower[k] != 1 || c.Upper[k] != 1 {
							t.Errorf("S = 1: log-log limits %v, %v, want 1, 1", c.Lower[k], c.Upper[k])
						}
						continue
					}
					testutil.CheckClose(t, "lower", c.Lower[k], lo, testutil.SameEstimator)
					testutil.CheckClose(t, "upper", c.Upper[k], hi, testutil.SameEstimator)
				}
				for k, p := range want.QuantileProbs {
					q, err := c.Quantile(p)
					if err != nil {
						t.Fatal(err)
					}
					testutil.CheckClose(t, "quantile", q.Time, float64(want.Quantile[k]), testutil.SameEstimator)
					testutil.CheckClose(t, "quantile lower", q.Lower, float64(want.QuantileLower[k]), testutil.SameEstimator)
					testutil.CheckClose(t, "quantile upper", q.Upper, float64(want.QuantileUpper[k]), testutil.SameEstimator)
				}
			})
		}
	}
}

func TestLogRankTestMatchesR(t *testing.T) {
	for name, ref := range loadReferences(t) {
		for label, want := range map[string]refLogRank{"2 groups": ref.LogRank2, "3 groups": ref.LogRank3} {
			t.Run(name+"/"+label, func(t *testing.T) {
				lr, err := survival.LogRankTest(ref.outcomes(), want.Group)
				if err != nil {
					t.Fatal(err)
				}
				testutil.CheckAllClose(t, "observed", lr.Observed, want.Obs, testutil.SameEstimator)
				testutil.CheckAllClose(t, "expected", lr.Expected, want.Exp, testutil.SameEstimator)
				for g := range want.Var {
					testutil.CheckAllClose(t, "variance", lr.Variance[g], want.Var[g], testutil.SameEstimator)
				}
				testutil.CheckClose(t, "chisq", lr.ChiSq, want.ChiSq, testutil.SameEstimator)
				testutil.CheckClose(t, "p", lr.P, want.P, testutil.SameEstimator)
				if lr.DF != want.DF {
					t.Errorf("df = %d, want %d", lr.DF, want.DF)
				}
			})
		}
	}
}

func TestBreslowBaselineMatchesR(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			b, err := survival.BreslowBaseline(ref.outcomes(), ref.Risk)
			if err != nil {
				t.Fatal(err)
			}
			for k, tk := range ref.Breslow.Time {
				testutil.CheckClose(t, "H0", b.At(tk), ref.Breslow.Hazard[k], testutil.SameEstimator)
			}
			surv := b.SurvivalMatrix(ref.Times, ref.Risk)
			for k := range ref.Times {
				testutil.CheckAllClose(t, "S(t|x)", surv[k], ref.Breslow.SurvAtTimes[k], testutil.SameEstimator)
			}
		})
	}
}

func TestIPCWMetricsMatchRiskRegression(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			opts := &survival.IPCWOptions{Convention: survival.RConvention}
			auc, err := survival.CumulativeDynamicAUC(ref.outcomes(), ref.Risk, ref.Times, opts)
			if err != nil {
				t.Fatal(err)
			}
			brier, err := survival.BrierScore(ref.outcomes(), ref.Times, ref.Breslow.SurvAtTimes, opts)
			if err != nil {
				t.Fatal(err)
			}
			for k := range ref.Times {
				testutil.CheckClose(t, "AUC", auc.AUC[k], ref.AUC[k], testutil.SameEstimator)
				testutil.CheckClose(t, "Brier", brier[k], ref.Brier[k], testutil.ReferenceInput)
			}
		})
	}
}

// On ovarian no event time equals a censoring time and τ lies between event
// times, so G(T) = G(T−) at every event and the scikit-survival default must
// reproduce R's values as well.
func TestDefaultConventionCoincidesWithRWithoutTies(t *testing.T) {
	ref := loadReferences(t)["ovarian"]
	o := ref.outcomes()
	c, err := survival.ConcordanceIndexIPCW(o, ref.Risk, &survival.IPCWOptions{Tau: ref.Tau})
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckClose(t, "Uno", c.Index, ref.UnoTau.Concordance, testutil.SameEstimator)
	auc, err := survival.CumulativeDynamicAUC(o, ref.Risk, ref.Times, nil)
	if err != nil {
		t.Fatal(err)
	}
	brier, err := survival.BrierScore(o, ref.Times, ref.Breslow.SurvAtTimes, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := range ref.Times {
		testutil.CheckClose(t, "AUC", auc.AUC[k], ref.AUC[k], testutil.SameEstimator)
		testutil.CheckClose(t, "Brier", brier[k], ref.Brier[k], testutil.ReferenceInput)
	}
}

func TestCensoringDistributionMatchesProdlim(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			train := ref.outcomes().Subset(ref.Censoring.TrainRows)
			g, err := survival.NewCensoringDistribution(train)
			if err != nil {
				t.Fatal(err)
			}
			for k, tk := range ref.Censoring.TestTimes {
				at, err := g.At(tk)
				if err != nil {
					t.Fatal(err)
				}
				left, err := g.LeftLimit(tk)
				if err != nil {
					t.Fatal(err)
				}
				testutil.CheckClose(t, "G(t)", at, ref.Censoring.GAt[k], testutil.SameEstimator)
				testutil.CheckClose(t, "G(t-)", left, ref.Censoring.GLeft[k], testutil.SameEstimator)
			}
			for k, tk := range ref.Times {
				at, err := g.At(tk)
				if err != nil {
					t.Fatal(err)
				}
				testutil.CheckClose(t, "G(times)", at, ref.Censoring.GAtTimes[k], testutil.SameEstimator)
			}
		})
	}
}

func TestCalibrationMatchesR(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			cal := ref.Calibration
			got, err := survival.CalibrationAt(ref.outcomes(), cal.Predicted, cal.Horizon, cal.Bins, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Bins) != len(cal.Bin) {
				t.Fatalf("%d bins, R has %d", len(got.Bins), len(cal.Bin))
			}
			for b, want := range cal.Bin {
				g := got.Bins[b]
				if g.N != len(want.Rows) {
					t.Errorf("bin %d: %d subjects, R %d", b, g.N, len(want.Rows))
				}
				testutil.CheckClose(t, "predicted", g.Predicted, want.Predicted, testutil.SameEstimator)
				testutil.CheckClose(t, "observed", g.Observed, want.Observed, testutil.SameEstimator)
				testutil.CheckClose(t, "lower", g.Lower, want.Lower, testutil.SameEstimator)
				testutil.CheckClose(t, "upper", g.Upper, want.Upper, testutil.SameEstimator)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCoxPartialLogLikelihoodMatchesR(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			ll, err := survival.CoxPartialLogLikelihood(ref.outcomes(), ref.Risk)
			if err != nil {
				t.Fatal(err)
			}
			testutil.CheckClose(t, "log partial likelihood", ll, ref.LoglikBreslow, testutil.SameEstimator)
		})
	}
}

// A Cox model's own linear predictor has calibration slope 1, and the scale
// profile of the log partial likelihood peaks there at R's log-likelihood.
func TestCalibrationSlopeOfACoxFitIsOne(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			slope, err := survival.CalibrationSlope(ref.outcomes(), ref.Risk)
			if err != nil {
				t.Fatal(err)
			}
			testutil.CheckClose(t, "slope", slope, 1, testutil.RFitter)
			profile, err := survival.CoxScaleProfile(ref.outcomes(), ref.Risk, []float64{0.9, 1, 1.1})
			if err != nil {
				t.Fatal(err)
			}
			testutil.CheckClose(t, "profile at 1", profile[1], ref.LoglikBreslow, testutil.SameEstimator)
			if profile[0] >= profile[1] || profile[2] >= profile[1] {
				t.Errorf("profile %v does not peak at s = 1", profile)
			}
			// Doubling the risk halves the slope.
			doubled := make([]float64, len(ref.Risk))
			for i, r := range ref.Risk {
				doubled[i] = 2 * r
			}
			half, err := survival.CalibrationSlope(ref.outcomes(), doubled)
			if err != nil {
				t.Fatal(err)
			}
			testutil.CheckClose(t, "slope of 2η", half, 0.5, testutil.RFitter)
		})
	}
}

// RiskGroups reproduces the groups R's reference script builds with
// risk > median(risk) and cut(risk, quantile(risk, 0:3/3), include.lowest = TRUE).
func TestRiskGroupsMatchR(t *testing.T) {
	for name, ref := range loadReferences(t) {
		t.Run(name, func(t *testing.T) {
			for k, want := range map[int][]int{2: ref.LogRank2.Group, 3: ref.LogRank3.Group} {
				got, err := survival.RiskGroups(ref.Risk, k)
				if err != nil {
					t.Fatal(err)
				}
				offset := slices.Min(want) // R's cut() labels start at 1
				for i := range got {
					if got[i] != want[i]-offset {
						t.Fatalf("k = %d: patient %d in group %d, R says %d", k, i, got[i], want[i]-offset)
					}
				}
			}
		})
	}
}
