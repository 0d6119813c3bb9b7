// SPDX-License-Identifier: Apache-2.0

package losses_test

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/losses"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/testutil"
)

// coxLoss evaluates CoxNLL and its gradient with respect to eta.
func coxLoss(t *testing.T, dtype dtypes.DType, eta, time []float64, event, valid []bool, opts *losses.CoxOptions) (float64, []float64) {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	exec, err := NewExec(b, func(eta, time, event, valid *Node) (*Node, *Node) {
		l := losses.CoxNLL(eta, time, event, valid, opts)
		return l, Gradient(l, eta)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	var etaT *tensors.Tensor
	if dtype == dtypes.Float32 {
		e32 := make([]float32, len(eta))
		for i, v := range eta {
			e32[i] = float32(v)
		}
		etaT = tensors.FromValue(e32)
	} else {
		etaT = tensors.FromValue(eta)
	}
	out, err := exec.Exec(etaT, tensors.FromValue(time), tensors.FromValue(event), tensors.FromValue(valid))
	if err != nil {
		t.Fatal(err)
	}
	if dtype == dtypes.Float32 {
		l := tensors.MustCopyFlatData[float32](out[0])[0]
		g32 := tensors.MustCopyFlatData[float32](out[1])
		g := make([]float64, len(g32))
		for i, v := range g32 {
			g[i] = float64(v)
		}
		return float64(l), g
	}
	return tensors.MustCopyFlatData[float64](out[0])[0], tensors.MustCopyFlatData[float64](out[1])
}

type rReference struct {
	Time          []float64 `json:"time"`
	Event         []bool    `json:"event"`
	Risk          []float64 `json:"risk"`
	LoglikBreslow float64   `json:"loglik_breslow"`
}

func allTrue(n int) []bool {
	v := make([]bool, n)
	for i := range v {
		v[i] = true
	}
	return v
}

// TestCoxNLLMatchesRCoxph compares the loss of a whole dataset as one batch
// with R's coxph log partial likelihood at R's coefficients: L = −loglik/n.
func TestCoxNLLMatchesRCoxph(t *testing.T) {
	for _, name := range []string{"lung", "veteran", "pbc", "ovarian", "ties"} {
		t.Run(name, func(t *testing.T) {
			var ref rReference
			testutil.LoadReference(t, filepath.Join("..", "survival", "testdata", "reference", name+".json"), &ref)
			n := len(ref.Time)
			want := -ref.LoglikBreslow / float64(n)
			l64, g := coxLoss(t, dtypes.Float64, ref.Risk, ref.Time, ref.Event, allTrue(n), nil)
			testutil.CheckClose(t, "float64 loss", l64, want, testutil.SameEstimator)
			l32, _ := coxLoss(t, dtypes.Float32, ref.Risk, ref.Time, ref.Event, allTrue(n), nil)
			testutil.CheckClose(t, "float32 loss", l32, want, testutil.Float32Long)
			// The partial likelihood is invariant to shifting every η, so the
			// gradient sums to zero.
			sum := 0.0
			for _, v := range g {
				sum += v
			}
			if math.Abs(sum) > 1e-12 {
				t.Errorf("Σ ∂L/∂η = %v", sum)
			}
			// Central differences of the pure-Go likelihood.
			o := survival.Outcomes{Time: ref.Time, Event: ref.Event}
			for _, i := range []int{0, n / 2, n - 1} {
				const h = 1e-6
				plus := append([]float64(nil), ref.Risk...)
				minus := append([]float64(nil), ref.Risk...)
				plus[i] += h
				minus[i] -= h
				lp, _ := survival.CoxPartialLogLikelihood(o, plus)
				lm, _ := survival.CoxPartialLogLikelihood(o, minus)
				testutil.CheckClose(t, "∂L/∂η", g[i], -(lp-lm)/(2*h)/float64(n), testutil.FiniteDifference)
			}
		})
	}
}

func TestCoxNLLIgnoresPaddingAndHandlesNoEvents(t *testing.T) {
	eta := []float64{0.3, -1.2, 2, 0.5}
	time := []float64{5, 3, 8, 1}
	event := []bool{true, false, true, true}
	base, gBase := coxLoss(t, dtypes.Float64, eta, time, event, allTrue(4), nil)
	// Padded rows with garbage values change nothing.
	padded, gPad := coxLoss(t, dtypes.Float64, append(eta, 1e30, -7), append(time, 0, 100), append(event, true, true),
		append(allTrue(4), false, false), nil)
	testutil.CheckClose(t, "padded loss", padded, base, testutil.HandDerived)
	testutil.CheckAllClose(t, "padded gradient", gPad[:4], gBase, testutil.HandDerived)
	testutil.CheckAllClose(t, "padding gradient", gPad[4:], []float64{0, 0}, 0)
	// No event: zero loss and zero gradient, not NaN.
	l, g := coxLoss(t, dtypes.Float64, eta, time, []bool{false, false, false, false}, allTrue(4), nil)
	if l != 0 {
		t.Errorf("loss without events = %v", l)
	}
	testutil.CheckAllClose(t, "gradient without events", g, []float64{0, 0, 0, 0}, 0)
	// Hand-derived: events at 1 (risk set: all four) , 5 ({5, 8}), 8 ({8}).
	lse := func(xs ...float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += math.Exp(x)
		}
		return math.Log(s)
	}
	want := -((0.5 - lse(0.3, -1.2, 2, 0.5)) + (0.3 - lse(0.3, 2)) + (2 - lse(2))) / 4
	testutil.CheckClose(t, "hand-derived loss", base, want, testutil.HandDerived)
}

func TestCoxNLLCompatInvertedEvents(t *testing.T) {
	eta := []float64{0.3, -1.2, 2, 0.5}
	time := []float64{5, 3, 8, 1}
	event := []bool{true, false, true, true}
	compat, _ := coxLoss(t, dtypes.Float64, eta, time, event, allTrue(4), &losses.CoxOptions{CompatInvertedEvents: true})
	flipped, _ := coxLoss(t, dtypes.Float64, eta, time, []bool{false, true, false, false}, allTrue(4), nil)
	correct, _ := coxLoss(t, dtypes.Float64, eta, time, event, allTrue(4), nil)
	testutil.CheckClose(t, "compat = loss of flipped events", compat, flipped, testutil.HandDerived)
	if compat == correct {
		t.Error("the compat option does not change the loss")
	}
}

func TestCoxHessianDiagonalMatchesFiniteDifferences(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	eta := []float64{0.3, -1.2, 2, 0.5, 0.1, 7}
	time := []float64{5, 3, 8, 1, 5, 2}
	event := []bool{true, false, true, true, true, true}
	valid := []bool{true, true, true, true, true, false}
	out := MustExecOnceN(b, func(eta, time, event, valid *Node) []*Node {
		return []*Node{losses.CoxHessianDiagonal(eta, time, event, valid, nil)}
	}, eta, time, event, valid)
	diag := tensors.MustCopyFlatData[float64](out[0])
	for i := range eta {
		const h = 1e-4
		plus := append([]float64(nil), eta...)
		minus := append([]float64(nil), eta...)
		plus[i] += h
		minus[i] -= h
		lp, _ := coxLoss(t, dtypes.Float64, plus, time, event, valid, nil)
		l0, _ := coxLoss(t, dtypes.Float64, eta, time, event, valid, nil)
		lm, _ := coxLoss(t, dtypes.Float64, minus, time, event, valid, nil)
		// Second difference: O(h²) truncation, rounding ε·L/h² ≈ 1e-8.
		testutil.CheckClose(t, "∂²L/∂η²", diag[i], (lp-2*l0+lm)/(h*h), 1e-6)
	}
}

// coxReference is the Cox loss and its gradient in float64, each risk set's
// log-sum-exp shifted by its own maximum: a direct transcription of the
// definition, finite for every finite η.
func coxReference(eta, time []float64, event, valid []bool) (float64, []float64) {
	n, b := len(eta), 0
	for _, v := range valid {
		if v {
			b++
		}
	}
	grad := make([]float64, n)
	loss := 0.0
	for i := range n {
		if !valid[i] || !event[i] {
			continue
		}
		m := math.Inf(-1)
		for j := range n {
			if valid[j] && time[j] >= time[i] {
				m = math.Max(m, eta[j])
			}
		}
		s := 0.0
		for j := range n {
			if valid[j] && time[j] >= time[i] {
				s += math.Exp(eta[j] - m)
			}
		}
		loss -= eta[i] - m - math.Log(s)
		grad[i] -= 1
		for j := range n {
			if valid[j] && time[j] >= time[i] {
				grad[j] += math.Exp(eta[j]-m) / s
			}
		}
	}
	for j := range grad {
		grad[j] /= float64(b)
	}
	return loss / float64(b), grad
}

// TestCoxNLLIsStableAtExtremeRisks evaluates the loss and its gradient at
// log-risks far beyond exp's range — all very negative, all very positive,
// and spread so that some risk sets hold only tiny exponentials — with and
// without padding rows, in float32 and float64: both finite and equal to the
// float64 reference.
func TestCoxNLLIsStableAtExtremeRisks(t *testing.T) {
	time := []float64{5, 3, 8, 1, 4, 6}
	event := []bool{true, false, true, true, true, true}
	cases := []struct {
		name  string
		dtype dtypes.DType
		eta   []float64
		tol   float64
	}{
		{"float64 all near -800", dtypes.Float64, []float64{-800.3, -801, -799.2, -800, -800.7, -802}, testutil.HandDerived},
		{"float64 all near +800", dtypes.Float64, []float64{800.3, 801, 799.2, 800, 800.7, 802}, testutil.HandDerived},
		{"float64 spread over 1600", dtypes.Float64, []float64{-800, 0, -801, 800, -799, -805}, testutil.HandDerived},
		{"float32 all near -120", dtypes.Float32, []float64{-120.3, -121, -119.2, -120, -120.7, -122}, testutil.Float32Long},
		{"float32 all near +120", dtypes.Float32, []float64{120.3, 121, 119.2, 120, 120.7, 122}, testutil.Float32Long},
		{"float32 spread over 240", dtypes.Float32, []float64{-120, 0, -121, 120, -119, -125}, testutil.Float32Long},
	}
	for _, tc := range cases {
		for _, pad := range []int{0, 2} {
			eta, tm, ev, valid := append([]float64(nil), tc.eta...), append([]float64(nil), time...), append([]bool(nil), event...), allTrue(len(time))
			for range pad {
				eta, tm, ev, valid = append(eta, 0), append(tm, 2), append(ev, true), append(valid, false)
			}
			t.Run(fmt.Sprintf("%s, %d padding rows", tc.name, pad), func(t *testing.T) {
				loss, grad := coxLoss(t, tc.dtype, eta, tm, ev, valid, nil)
				wantLoss, wantGrad := coxReference(eta, tm, ev, valid)
				if math.IsNaN(loss) || math.IsInf(loss, 0) {
					t.Fatalf("loss %v", loss)
				}
				for i, g := range grad {
					if math.IsNaN(g) || math.IsInf(g, 0) {
						t.Fatalf("gradient[%d] = %v", i, g)
					}
				}
				// The loss is of the order of the risks' spread; compare
				// relative to its magnitude.
				testutil.CheckClose(t, "loss", loss, wantLoss, tc.tol)
				testutil.CheckAllClose(t, "gradient", grad, wantGrad, tc.tol)
			})
		}
	}
}
