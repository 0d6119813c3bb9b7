// SPDX-License-Identifier: Apache-2.0

package linear

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Ties names the approximation of the partial likelihood at tied event
// times.
type Ties int

const (
	// Breslow gives every death at a time the full risk set of that time.
	Breslow Ties = iota
	// Efron removes, for the k-th of d tied deaths, k/d of the tied deaths'
	// weight from the risk set (R's default).
	Efron
)

// String names the approximation as R does ("breslow", "efron").
func (t Ties) String() string {
	if t == Efron {
		return "efron"
	}
	return "breslow"
}

// ParseTies reads "breslow" or "efron".
func ParseTies(s string) (Ties, error) {
	switch s {
	case "breslow":
		return Breslow, nil
	case "efron":
		return Efron, nil
	}
	return 0, fmt.Errorf("linear: ties %q: want breslow or efron", s)
}

// CoxPHOptions configures [FitCoxPH]. The zero value is R's coxph default
// but with Breslow ties.
type CoxPHOptions struct {
	Ties Ties
	// Ridge is θ of the penalty (θ/2)‖β‖² subtracted from the log partial
	// likelihood (R: ridge(..., theta = θ, scale = FALSE)); 0 for none.
	Ridge float64
	// MaxIter bounds the Newton–Raphson iterations (0: 20, R's iter.max).
	MaxIter int
	// Eps is the convergence threshold on the relative change of the
	// (penalised) log-likelihood (0: 1e-9, R's eps).
	Eps float64
}

// CoxPHFit is a fitted Cox proportional-hazards model.
type CoxPHFit struct {
	// Coef are the coefficients β (NaN for a column found collinear with
	// others, as R's NA).
	Coef []float64
	// SE are the standard errors √diag(Var).
	SE []float64
	// Var is the inverse of the (penalised) information matrix at Coef.
	Var [][]float64
	// LogLik is the log partial likelihood at Coef, LogLikNull at β = 0,
	// both without the penalty; Penalty is (θ/2)‖β‖².
	LogLik, LogLikNull, Penalty float64
	// Iterations counts the Newton–Raphson steps; Converged is false when
	// MaxIter ran out.
	Iterations int
	Converged  bool
	// ScoreTest is the score (log-rank) test of β = 0, U(0)ᵀ I(0)⁻¹ U(0)
	// (the first Newton–Raphson step's; R's sctest), and Wald the Wald test
	// β̂ᵀ Var⁻¹ β̂ over the columns not found collinear (R's wald.test); both
	// with the ridge penalty in the information when there is one.
	ScoreTest, Wald float64
	// Warnings holds R's warnings for this fit: a singular information
	// matrix (collinear columns), a monotone likelihood (a coefficient that
	// may be infinite), iterations run out.
	Warnings []string
}

// ErrNoEvents is returned by the fits for data without any event.
var ErrNoEvents = errors.New("linear: no events")

// FitCoxPH fits a Cox model to the rows of x (n × p) with outcomes time and
// event by R's algorithm (survival's coxph.fit, coxfit6): covariates
// centred, Newton–Raphson from β = 0 with the information matrix inverted by
// a Cholesky decomposition that drops columns with a pivot below ε^0.75
// times the largest (collinear: coefficient NaN and a warning), step halving
// whenever the log-likelihood falls, convergence when its relative change is
// at most Eps with no halving pending. After convergence a coefficient whose
// one-step update u·Var is large against it is flagged as R does ("Loglik
// converged before variable k; coefficient may be infinite"): the monotone
// likelihood of a separating covariate.
//
// With Ridge θ > 0 the objective is ℓ(β) − (θ/2)‖β‖², maximised the same
// way (R's coxpenal.fit for a ridge() term with a fixed θ).
//
// Agrees with R survival 3.5-3 coxph to 1e-6 relative in the coefficients and
// 1e-8 in the log-likelihood (testdata/reference, gen/coxph.R). Cost:
// O(iterations · n · p²).
func FitCoxPH(x [][]float64, time []float64, event []bool, opts *CoxPHOptions) (*CoxPHFit, error) {
	if opts == nil {
		opts = &CoxPHOptions{}
	}
	maxIter, eps := opts.MaxIter, opts.Eps
	if maxIter == 0 {
		maxIter = 20
	}
	if eps == 0 {
		eps = 1e-9
	}
	d, err := newCoxData(x, time, event)
	if err != nil {
		return nil, err
	}
	p := d.p
	pen := func(b []float64) float64 {
		s := 0.0
		for _, v := range b {
			s += v * v
		}
		return opts.Ridge / 2 * s
	}
	// state evaluates the penalised log-likelihood, score and information.
	state := func(b []float64) (float64, []float64, [][]float64) {
		ll, u, info := d.derivatives(b, opts.Ties)
		for j := range p {
			u[j] -= opts.Ridge * b[j]
			info[j][j] += opts.Ridge
		}
		return ll - pen(b), u, info
	}
	fit := &CoxPHFit{}
	beta := make([]float64, p)
	loglik, u, info := state(beta)
	fit.LogLikNull = loglik
	chol, dropped := cholesky(info)
	step := chol.solve(u)
	for j := range p {
		fit.ScoreTest += u[j] * step[j]
	}
	newBeta := make([]float64, p)
	for j := range p {
		newBeta[j] = beta[j] + step[j]
	}
	halving := false
	var newLL float64
	for iter := 1; iter <= maxIter; iter++ {
		fit.Iterations = iter
		newLL, u, info = state(newBeta)
		if math.Abs(1-loglik/newLL) <= eps && !halving {
			loglik = newLL
			copy(beta, newBeta)
			fit.Converged = true
			break
		}
		if iter == maxIter {
			break
		}
		if newLL < loglik {
			halving = true
			for j := range p {
				newBeta[j] = (newBeta[j] + beta[j]) / 2
			}
			continue
		}
		halving = false
		loglik = newLL
		chol, dropped = cholesky(info)
		step = chol.solve(u)
		copy(beta, newBeta)
		for j := range p {
			newBeta[j] += step[j]
		}
	}
	if !fit.Converged {
		// R returns the last accepted β and its information.
		loglik, u, info = state(beta)
		fit.Warnings = append(fit.Warnings, fmt.Sprintf("Ran out of iterations and did not converge (%d)", maxIter))
	}
	chol, dropped = cholesky(info)
	fit.Var = chol.inverse()
	fit.Penalty = pen(beta)
	fit.LogLik = loglik + fit.Penalty
	fit.Coef = beta
	fit.SE = make([]float64, p)
	for j := range p {
		fit.SE[j] = math.Sqrt(fit.Var[j][j])
	}
	for j := range p {
		for k := range p {
			if !chol.dropped[j] && !chol.dropped[k] {
				fit.Wald += beta[j] * info[j][k] * beta[k]
			}
		}
	}
	if len(dropped) > 0 {
		for _, j := range dropped {
			fit.Coef[j], fit.SE[j] = math.NaN(), math.NaN()
		}
		fit.Warnings = append(fit.Warnings, fmt.Sprintf("X matrix deemed to be singular; variable %s", joinIndices(dropped)))
	}
	// R's check for infinite coefficients (coxph, toler.inf = √eps).
	if fit.Converged {
		tol := math.Sqrt(eps)
		var inf []int
		for j := range p {
			if math.IsNaN(fit.Coef[j]) {
				continue
			}
			s := 0.0
			for k := range p {
				if !math.IsNaN(fit.Coef[k]) {
					s += u[k] * fit.Var[k][j]
				}
			}
			s = math.Abs(s)
			if s > tol && s > tol*math.Abs(fit.Coef[j]) {
				inf = append(inf, j)
			}
		}
		if len(inf) > 0 {
			fit.Warnings = append(fit.Warnings, fmt.Sprintf("Loglik converged before variable %s; coefficient may be infinite.", joinIndices(inf)))
		}
	}
	return fit, nil
}

// LinearPredictor returns xᵀβ of each row (collinear columns count 0): the
// log relative risk, higher = earlier event.
func LinearPredictor(coef []float64, x [][]float64) []float64 {
	out := make([]float64, len(x))
	for i, row := range x {
		for j, b := range coef {
			if !math.IsNaN(b) {
				out[i] += row[j] * b
			}
		}
	}
	return out
}

func joinIndices(idx []int) string {
	s := ""
	for k, j := range idx {
		if k > 0 {
			s += " "
		}
		s += fmt.Sprint(j + 1)
	}
	return s
}

// coxData holds centred covariates sorted by descending time (deaths before
// censorings at a tie, so a censoring at a death time stays in its risk
// set either way).
type coxData struct {
	n, p  int
	x     [][]float64 // centred, sorted
	time  []float64
	event []bool
}

func newCoxData(x [][]float64, time []float64, event []bool) (*coxData, error) {
	n := len(x)
	if n == 0 || len(time) != n || len(event) != n {
		return nil, fmt.Errorf("linear: %d rows, %d times, %d events", n, len(time), len(event))
	}
	p := len(x[0])
	events := 0
	for i := range n {
		if len(x[i]) != p {
			return nil, fmt.Errorf("linear: row %d has %d covariates, row 1 has %d", i+1, len(x[i]), p)
		}
		if !(time[i] > 0) || math.IsInf(time[i], 0) {
			return nil, fmt.Errorf("linear: row %d: time %v must be positive and finite", i+1, time[i])
		}
		for j, v := range x[i] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("linear: row %d, covariate %d = %v", i+1, j+1, v)
			}
		}
		if event[i] {
			events++
		}
	}
	if events == 0 {
		return nil, ErrNoEvents
	}
	means := make([]float64, p)
	for i := range n {
		for j := range p {
			means[j] += x[i][j]
		}
	}
	for j := range p {
		means[j] /= float64(n)
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ia, ib := order[a], order[b]
		if time[ia] != time[ib] {
			return time[ia] > time[ib]
		}
		return event[ia] && !event[ib]
	})
	d := &coxData{n: n, p: p, x: make([][]float64, n), time: make([]float64, n), event: make([]bool, n)}
	for k, i := range order {
		d.x[k] = make([]float64, p)
		for j := range p {
			d.x[k][j] = x[i][j] - means[j]
		}
		d.time[k], d.event[k] = time[i], event[i]
	}
	return d, nil
}

// derivatives returns the log partial likelihood ℓ(β), its gradient u and
// the information matrix I = −∇²ℓ, with Breslow or Efron ties. The risk
// set sums run from the latest time down; exponents are shifted by the
// largest η, which cancels in ℓ.
func (d *coxData) derivatives(beta []float64, ties Ties) (float64, []float64, [][]float64) {
	n, p := d.n, d.p
	eta := make([]float64, n)
	shift := math.Inf(-1)
	for i := range n {
		for j := range p {
			eta[i] += d.x[i][j] * beta[j]
		}
		shift = math.Max(shift, eta[i])
	}
	u := make([]float64, p)
	info := make([][]float64, p)
	for j := range info {
		info[j] = make([]float64, p)
	}
	// Risk-set sums: s0 = Σ r, s1 = Σ r x, s2 = Σ r x xᵀ.
	s0 := 0.0
	s1 := make([]float64, p)
	s2 := make([][]float64, p)
	for j := range s2 {
		s2[j] = make([]float64, p)
	}
	// Tied deaths' sums at the current time.
	d0 := 0.0
	d1 := make([]float64, p)
	d2 := make([][]float64, p)
	for j := range d2 {
		d2[j] = make([]float64, p)
	}
	ll := 0.0
	xbar := make([]float64, p)
	for i := 0; i < n; {
		t := d.time[i]
		deaths := 0
		d0 = 0
		for j := range p {
			d1[j] = 0
			for k := range p {
				d2[j][k] = 0
			}
		}
		end := i
		for ; end < n && d.time[end] == t; end++ {
			r := math.Exp(eta[end] - shift)
			x := d.x[end]
			s0 += r
			for j := range p {
				s1[j] += r * x[j]
				for k := range p {
					s2[j][k] += r * x[j] * x[k]
				}
			}
			if d.event[end] {
				deaths++
				ll += eta[end]
				for j := range p {
					u[j] += x[j]
				}
				d0 += r
				for j := range p {
					d1[j] += r * x[j]
					for k := range p {
						d2[j][k] += r * x[j] * x[k]
					}
				}
			}
		}
		i = end
		if deaths == 0 {
			continue
		}
		m := float64(deaths)
		// Breslow: every death sees the full risk set (frac = 0). Efron: the
		// k-th death (k = 0…d−1) sees the risk set less k/d of the deaths.
		for k := range deaths {
			frac := 0.0
			if ties == Efron {
				frac = float64(k) / m
			}
			den := s0 - frac*d0
			ll -= math.Log(den) + shift
			for j := range p {
				xbar[j] = (s1[j] - frac*d1[j]) / den
				u[j] -= xbar[j]
			}
			for j := range p {
				for l := range p {
					info[j][l] += (s2[j][l]-frac*d2[j][l])/den - xbar[j]*xbar[l]
				}
			}
		}
	}
	return ll, u, info
}
