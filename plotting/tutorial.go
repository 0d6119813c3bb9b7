// SPDX-License-Identifier: Apache-2.0

package plotting

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/tutorial"
)

// riskGroupNames names k risk groups from lowest to highest.
func riskGroupNames(k int) []string {
	switch k {
	case 2:
		return []string{"low risk", "high risk"}
	case 3:
		return []string{"low risk", "intermediate risk", "high risk"}
	}
	names := make([]string, k)
	for i := range names {
		names[i] = fmt.Sprintf("risk group %d of %d", i+1, k)
	}
	return names
}

// KaplanMeierByRisk cuts the patients into k groups at the quantiles of
// their risk ([survival.RiskGroups]), and draws each group's Kaplan–Meier
// curve with the k-group log-rank p-value and a number-at-risk table.
func KaplanMeierByRisk(o survival.Outcomes, risk []float64, k int, t Theme) (*Figure, error) {
	groups, err := survival.RiskGroups(risk, k)
	if err != nil {
		return nil, err
	}
	lr, err := survival.LogRankTest(o, groups)
	if err != nil {
		return nil, err
	}
	names := riskGroupNames(k)
	var curves []KMGroup
	for g := range k {
		var idx []int
		for i, gi := range groups {
			if gi == g {
				idx = append(idx, i)
			}
		}
		curve, err := survival.KaplanMeier(o.Subset(idx), nil)
		if err != nil {
			return nil, fmt.Errorf("plotting: %s: %w", names[g], err)
		}
		curves = append(curves, KMGroup{Label: names[g], Curve: curve})
	}
	return KaplanMeier(curves, lr.P, nil, t)
}

// CoxProfile draws the log partial likelihood ℓ(s·η) against the scale s
// ([survival.CoxScaleProfile]), with the maximum (the calibration slope)
// marked and the null model s = 0 as a dashed reference.
func CoxProfile(scales, loglik []float64, slope float64, t Theme) (*Figure, error) {
	if len(scales) != len(loglik) || len(scales) < 2 {
		return nil, fmt.Errorf("plotting: %d scales for %d log-likelihoods", len(scales), len(loglik))
	}
	p := t.newPlot("Cox partial log-likelihood of s·η", "Scale s of the risk score η", "log partial likelihood ℓ(s·η)")
	line, err := plotter.NewLine(xys(scales, loglik))
	if err != nil {
		return nil, err
	}
	line.Color, line.Width = t.Color(0), t.LineWidth
	p.Add(line)
	p.Legend.Add("ℓ(s·η)", line)
	lo, hi := slices.Min(loglik), slices.Max(loglik)
	mark, err := t.referenceLine(slope, lo, slope, hi)
	if err != nil {
		return nil, err
	}
	mark.Color = t.Color(1)
	p.Add(mark)
	p.Legend.Add(fmt.Sprintf("calibration slope s = %.2f", slope), mark)
	if i := slices.Index(scales, 0); i >= 0 {
		null, err := t.referenceLine(scales[0], loglik[i], scales[len(scales)-1], loglik[i])
		if err != nil {
			return nil, err
		}
		p.Add(null)
		p.Legend.Add("null model (s = 0)", null)
	}
	p.Legend.Top, p.Legend.Left = false, true
	return Single(p, ColumnWidth*1.4, 2.8*vg.Inch), nil
}

// CensoringStudy draws Harrell's and Uno's C (means with ±1 SD bands over the
// repeats) against the censored fraction, with the two estimands as dashed
// lines ([tutorial.StudyCensoring]).
func CensoringStudy(s *tutorial.CensoringStudy, t Theme) (*Figure, error) {
	p := t.newPlot(fmt.Sprintf("True risk score under increasing censoring\n(%d patients × %d repeats per level)", s.Patients, s.Repeats),
		"Censored patients (%)", "C-index")
	var x []float64
	series := []struct {
		label    string
		mean, sd func(tutorial.CensoringPoint) float64
	}{
		{"Harrell's C", func(q tutorial.CensoringPoint) float64 { return q.Harrell }, func(q tutorial.CensoringPoint) float64 { return q.HarrellSD }},
		{fmt.Sprintf("Uno's C (τ = %.2g)", s.Tau), func(q tutorial.CensoringPoint) float64 { return q.Uno }, func(q tutorial.CensoringPoint) float64 { return q.UnoSD }},
	}
	for _, q := range s.Points {
		x = append(x, 100*q.Censored)
	}
	lo, hi := math.Min(s.TrueC, s.TrueCTau), math.Max(s.TrueC, s.TrueCTau)
	for k, ser := range series {
		var m, l, u []float64
		for _, q := range s.Points {
			m, l, u = append(m, ser.mean(q)), append(l, ser.mean(q)-ser.sd(q)), append(u, ser.mean(q)+ser.sd(q))
		}
		lo, hi = math.Min(lo, slices.Min(l)), math.Max(hi, slices.Max(u))
		poly, err := band(x, l, u, nil)
		if err != nil {
			return nil, err
		}
		poly.Color, poly.LineStyle.Width = t.Band(k), 0
		line, points, err := plotter.NewLinePoints(xys(x, m))
		if err != nil {
			return nil, err
		}
		line.Color, line.Width = t.Color(k), t.LineWidth
		points.Color, points.Radius = t.Color(k), vg.Points(2.2)
		points.Shape = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}}[k]
		p.Add(poly, line, points)
		p.Legend.Add(ser.label, line, points)
	}
	for k, e := range []struct {
		label string
		value float64
	}{{"concordance, all pairs", s.TrueC}, {"concordance, pairs below τ", s.TrueCTau}} {
		ref, err := t.referenceLine(x[0], e.value, x[len(x)-1], e.value)
		if err != nil {
			return nil, err
		}
		ref.Color = t.Color(k)
		p.Add(ref)
		p.Legend.Add(e.label+" (no censoring)", ref)
	}
	p.Y.Min, p.Y.Max = lo-0.01, hi+0.03
	p.Legend.Top, p.Legend.Left = true, true
	return Single(p, ColumnWidth*1.5, 3.2*vg.Inch), nil
}
