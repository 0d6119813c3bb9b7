// SPDX-License-Identifier: Apache-2.0

package linear_test

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/parachute-surv/goparachute/parachute/baselines/linear"
	"github.com/parachute-surv/goparachute/parachute/survival"
)

func randomRows(rng *rand.Rand, n, d int) [][]float64 {
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = make([]float64, d)
		for j := range rows[i] {
			rows[i][j] = rng.NormFloat64()*float64(j+1) + 3
		}
	}
	return rows
}

// TestFeatureMap: training covariates are z-scored (mean 0, SD 1 by 1/n)
// over the rows that have the block, absent rows get zeros and indicator 1,
// a complete block has no indicator, and the map never looks at the rows it
// transforms later.
func TestFeatureMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	path, rad := randomRows(rng, 30, 6), randomRows(rng, 30, 4)
	for i := 0; i < 30; i += 4 {
		rad[i] = nil // 8 rows without radiology
	}
	f, err := linear.FitFeatures([][][]float64{path, rad}, 3)
	if err != nil {
		t.Fatal(err)
	}
	if f.Width() != 3+3+1 {
		t.Fatalf("width %d, want 3 + 3 components and 1 indicator", f.Width())
	}
	names := f.Names([]string{"pathology", "radiology"})
	if names[0] != "pathology_pc1" || names[6] != "radiology_missing" {
		t.Fatalf("names %v", names)
	}
	x, err := f.Transform([][][]float64{path, rad})
	if err != nil {
		t.Fatal(err)
	}
	for j := range 6 {
		sum, ss, n := 0.0, 0.0, 0.0
		for i, row := range x {
			if j >= 3 && rad[i] == nil {
				if row[j] != 0 {
					t.Fatalf("row %d lacks radiology but covariate %d = %v", i, j, row[j])
				}
				continue
			}
			sum += row[j]
			ss += row[j] * row[j]
			n++
		}
		if math.Abs(sum/n) > 1e-12 || math.Abs(ss/n-1) > 1e-12 {
			t.Fatalf("covariate %d: mean %v, variance %v", j, sum/n, ss/n)
		}
	}
	for i, row := range x {
		if (row[6] == 1) != (rad[i] == nil) {
			t.Fatalf("row %d: indicator %v", i, row[6])
		}
	}
	// New rows use the training map: changing them changes nothing else.
	test := randomRows(rng, 2, 6)
	a, _ := f.Transform([][][]float64{test, {nil, rad[1]}})
	test[1][0] += 100
	b, _ := f.Transform([][][]float64{test, {nil, rad[1]}})
	if a[0][0] != b[0][0] || a[1][3] != b[1][3] || a[0][6] != 1 {
		t.Fatalf("transform of new rows: %v then %v", a, b)
	}
	// A complete block has no indicator; without PCA every column stays.
	g, err := linear.FitFeatures([][][]float64{path}, 0)
	if err != nil || g.Width() != 6 {
		t.Fatalf("width %d, err %v", g.Width(), err)
	}
}

// TestPCAKeepsARankKSignal: rows that lie in a 2-D subspace are
// reproduced exactly by 2 components (the variance along other axes is 0).
func TestPCAKeepsARankKSignal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	u, v := []float64{1, 2, 0, -1, 3}, []float64{0, 1, 1, 1, -1}
	rows := make([][]float64, 20)
	for i := range rows {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		rows[i] = make([]float64, 5)
		for j := range 5 {
			rows[i][j] = a*u[j] + b*v[j] + 7
		}
	}
	two, _ := linear.FitFeatures([][][]float64{rows}, 2)
	three, _ := linear.FitFeatures([][][]float64{rows}, 3)
	x2, _ := two.Transform([][][]float64{rows})
	x3, _ := three.Transform([][][]float64{rows})
	// The third component is noise-free zero: z-scoring leaves it 0 (SD 1).
	for i := range rows {
		if math.Abs(x3[i][2]) > 1e-9 || math.Abs(x3[i][0]-x2[i][0]) > 1e-12 {
			t.Fatalf("row %d: %v vs %v", i, x3[i], x2[i])
		}
	}
}

// TestBreslowLogLikMatchesSurvival compares with package survival's log
// partial likelihood at the linear predictor.
func TestBreslowLogLikMatchesSurvival(t *testing.T) {
	tab, err := linear.ReadCSV(filepath.Join("testdata", "data", "lung.csv"), []string{"age", "sex", "ph.ecog"})
	if err != nil {
		t.Fatal(err)
	}
	beta := []float64{0.01, -0.5, 0.4}
	got, err := linear.BreslowLogLik(tab.X, tab.Time, tab.Event, beta)
	if err != nil {
		t.Fatal(err)
	}
	want, err := survival.CoxPartialLogLikelihood(survival.Outcomes{Time: tab.Time, Event: tab.Event}, linear.LinearPredictor(beta, tab.X))
	if err != nil || math.Abs(got-want) > 1e-9*math.Abs(want) {
		t.Fatalf("%v, survival %v (%v)", got, want, err)
	}
}

// TestCrossValidatedCoxNet checks the CV partial likelihood against its
// definition computed here, and that CV keeps signal and drops noise.
func TestCrossValidatedCoxNet(t *testing.T) {
	tab, err := linear.ReadCSV(filepath.Join("testdata", "data", "lung.csv"), []string{"age", "sex", "ph.ecog", "ph.karno", "wt.loss"})
	if err != nil {
		t.Fatal(err)
	}
	fold := make([]int, len(tab.X))
	for i := range fold {
		fold[i] = i % 4
	}
	opts := &linear.CoxNetOptions{Alpha: 0.5, NLambda: 12}
	cv, err := linear.CrossValidateCoxNet(tab.X, tab.Time, tab.Event, opts, fold)
	if err != nil {
		t.Fatal(err)
	}
	o := survival.Outcomes{Time: tab.Time, Event: tab.Event}
	for _, l := range []int{0, len(cv.Fit.Lambdas) / 2, len(cv.Fit.Lambdas) - 1} {
		want := 0.0
		for f := range 4 {
			var x [][]float64
			var rest survival.Outcomes
			for i := range tab.X {
				if fold[i] != f {
					x = append(x, tab.X[i])
					rest.Time, rest.Event = append(rest.Time, tab.Time[i]), append(rest.Event, tab.Event[i])
				}
			}
			fit, err := linear.FitCoxNet(x, rest.Time, rest.Event, &linear.CoxNetOptions{Alpha: 0.5, Lambdas: []float64{cv.Fit.Lambdas[l]}})
			if err != nil {
				t.Fatal(err)
			}
			all, _ := survival.CoxPartialLogLikelihood(o, linear.LinearPredictor(fit.Coef[0], tab.X))
			part, _ := survival.CoxPartialLogLikelihood(rest, linear.LinearPredictor(fit.Coef[0], x))
			want += all - part
		}
		// Warm starts along the path and a cold start converge to the same
		// optimum within the solver's tolerance.
		if math.Abs(cv.CVPL[l]-want) > 1e-6*math.Abs(want) {
			t.Fatalf("CVPL at λ %v: %v, by definition %v", cv.Fit.Lambdas[l], cv.CVPL[l], want)
		}
	}
	if cv.Best == 0 {
		t.Fatalf("lung's covariates carry signal, CV chose λ_max: %v", cv.CVPL)
	}
	// Pure noise covariates: CV keeps (nearly) nothing.
	rng := rand.New(rand.NewPCG(5, 6))
	noise := randomRows(rng, len(tab.X), 5)
	ncv, err := linear.CrossValidateCoxNet(noise, tab.Time, tab.Event, opts, fold)
	if err != nil {
		t.Fatal(err)
	}
	if ncv.Best > 2 {
		t.Fatalf("noise covariates: CV chose λ index %d: %v", ncv.Best, ncv.CVPL)
	}
}
