// SPDX-License-Identifier: Apache-2.0

package survival

import (
	"fmt"
)

// CensoringConvention selects how inverse-probability-of-censoring weights
// are formed from the censoring survival function G(t) = P(C > t).
type CensoringConvention int

const (
	// ScikitSurvival evaluates G at an event time T_i right-continuously,
	// G(T_i), including a censoring drop at T_i, and a truncation time τ keeps
	// the events with T_i < τ: the conventions of scikit-survival's
	// concordance_index_ipcw, cumulative_dynamic_auc and brier_score.
	// This is the default.
	ScikitSurvival CensoringConvention = iota
	// RConvention evaluates the left limit G(T_i−), and τ keeps the events
	// with T_i ≤ τ: the conventions of R survival::concordance(timewt =
	// "n/G2", ymax = τ) and riskRegression::Score (AUC and Brier).
	RConvention
)

// String names the convention.
func (c CensoringConvention) String() string {
	switch c {
	case ScikitSurvival:
		return "scikit-survival"
	case RConvention:
		return "R"
	}
	return fmt.Sprintf("CensoringConvention(%d)", int(c))
}

// IPCWOptions configures the IPCW estimators ([ConcordanceIndexIPCW],
// [CumulativeDynamicAUC], [BrierScore]). The zero value estimates G on the
// test data itself with the scikit-survival convention and no truncation.
type IPCWOptions struct {
	// Train, when non-nil, supplies the outcomes G is estimated from
	// (scikit-survival's survival_train); nil estimates G on the test data.
	Train *Outcomes
	// Convention selects G(T_i) or G(T_i−) and the τ rule.
	Convention CensoringConvention
	// Tau is the truncation time of [ConcordanceIndexIPCW]; 0 means none.
	// The other estimators ignore it.
	Tau float64
}

// CensoringDistribution is the Kaplan–Meier estimate of the censoring
// survival function G(t) = P(C > t), obtained by reversing the event flag.
// At a time with both events and censorings the events are taken to happen
// first: the censorings at t are divided by the subjects at risk minus the
// events at t, as in scikit-survival (kaplan_meier_estimator(reverse=True)),
// R prodlim(reverse = TRUE) and R survival::concordance.
type CensoringDistribution struct {
	g       stepFunction
	maxTime float64
}

// NewCensoringDistribution estimates G from validated outcomes. When no
// subject is censored, G ≡ 1 on the follow-up range.
func NewCensoringDistribution(o Outcomes) (*CensoringDistribution, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	tt := tabulate(o)
	g := stepFunction{x: tt.time, y: make([]float64, len(tt.time)), y0: 1}
	s := 1.0
	for k := range tt.time {
		if c := tt.censored[k]; c > 0 {
			s *= 1 - float64(c)/float64(tt.atRisk[k]-tt.events[k])
		}
		g.y[k] = s
	}
	return &CensoringDistribution{g: g, maxTime: tt.time[len(tt.time)-1]}, nil
}

// At returns G(t) (right-continuous). Beyond the last observed time G is
// undefined unless it has dropped to 0 (then it is 0); At returns
// ErrOutsideFollowUp there, as scikit-survival does.
func (g *CensoringDistribution) At(t float64) (float64, error) {
	if err := g.checkRange(t); err != nil {
		return 0, err
	}
	return g.g.at(t), nil
}

// LeftLimit returns G(t−), with the range rule of [CensoringDistribution.At].
func (g *CensoringDistribution) LeftLimit(t float64) (float64, error) {
	if err := g.checkRange(t); err != nil {
		return 0, err
	}
	return g.g.leftLimit(t), nil
}

func (g *CensoringDistribution) checkRange(t float64) error {
	if t > g.maxTime && g.g.y[len(g.g.y)-1] > 0 {
		return fmt.Errorf("%w: censoring distribution evaluated at %v beyond its last observed time %v",
			ErrOutsideFollowUp, t, g.maxTime)
	}
	return nil
}

// eventWeight returns the weight 1/G of an event at time t under the
// convention: 1/G(t) or 1/G(t−).
func (g *CensoringDistribution) eventWeight(t float64, conv CensoringConvention, field string, index int) (float64, error) {
	var v float64
	var err error
	if conv == RConvention {
		v, err = g.LeftLimit(t)
	} else {
		v, err = g.At(t)
	}
	if err != nil {
		return 0, &InputError{Field: field, Index: index, Value: t, Err: err}
	}
	if v <= 0 {
		return 0, &InputError{Field: field, Index: index, Value: t, Err: ErrCensoringSurvivalZero}
	}
	return 1 / v, nil
}

// censoringFor returns the censoring distribution the options ask for.
func censoringFor(test Outcomes, opts *IPCWOptions) (*CensoringDistribution, CensoringConvention, error) {
	if opts == nil {
		opts = &IPCWOptions{}
	}
	if opts.Convention != ScikitSurvival && opts.Convention != RConvention {
		return nil, 0, fmt.Errorf("%w: unknown censoring convention %d", ErrInvalidArgument, int(opts.Convention))
	}
	if opts.Train == nil {
		g, err := NewCensoringDistribution(test)
		return g, opts.Convention, err
	}
	g, err := NewCensoringDistribution(*opts.Train)
	if err != nil {
		return nil, 0, fmt.Errorf("training outcomes: %w", err)
	}
	return g, opts.Convention, nil
}

// caseWeights returns the censoring distribution the options ask for and the
// inverse-probability weight 1/G of every event at or before last (0 for the
// other subjects), under the options' convention.
func caseWeights(test Outcomes, last float64, opts *IPCWOptions) (*CensoringDistribution, []float64, error) {
	g, conv, err := censoringFor(test, opts)
	if err != nil {
		return nil, nil, err
	}
	w := make([]float64, test.Len())
	for i, t := range test.Time {
		if test.Event[i] && t <= last {
			if w[i], err = g.eventWeight(t, conv, "time", i); err != nil {
				return nil, nil, err
			}
		}
	}
	return g, w, nil
}
