// SPDX-License-Identifier: Apache-2.0

package figures

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/experiment"
	"github.com/parachute-surv/goparachute/parachute/landscape"
	"github.com/parachute-surv/goparachute/parachute/stats"
	"github.com/parachute-surv/goparachute/parachute/train"
)

// Figure6Options configures [Figure6].
type Figure6Options struct {
	Options
	// PMiss is the training missing ratio of the models compared (default
	// 0.30, the highest ratio of the protocol, where Gradient Curvature
	// Steering has the most missing-modality samples to act on; the
	// supplement does not say).
	PMiss float64
	// Optimizers are the two trainings compared: the reference (default
	// gcs) and the ablation (default adamw, PARACHUTE without GCS).
	Reference, Ablation string
	// Seeds are the training seeds per fold (default 1): every fold and
	// seed is one paired unit of the sharpness comparison.
	Seeds []uint64
	// SurfaceFold is the fold whose surfaces are drawn (default 0, first
	// seed); Grid and Eps the surface's grid (default 41 points over ±1;
	// 9 in the smoke profile).
	SurfaceFold int
	Grid        int
	Eps         float64
	// TraceProbes are the Hutchinson probes per model (default 30; 4 in
	// the smoke profile).
	TraceProbes int
	// RandomDirections is the number of filter-normalised random
	// directions of the random ε-sharpness (default 4), at ±RandomEps of
	// each filter's norm (default 0.05).
	RandomDirections int
	RandomEps        float64
}

// Sigma is the scale of the smoothed curvature: the step of the drawn
// grid, 2·Eps/(Grid − 1) (Eps for a grid of one point).
func (o Figure6Options) Sigma() float64 {
	if o.Grid < 2 {
		return o.Eps
	}
	return 2 * o.Eps / float64(o.Grid-1)
}

func (o Figure6Options) withDefaults() (Figure6Options, error) {
	var err error
	if o.Options, err = o.Options.WithDefaults(); err != nil {
		return o, err
	}
	if o.PMiss == 0 {
		o.PMiss = 0.30
	}
	if o.Reference == "" {
		o.Reference = "gcs"
	}
	if o.Ablation == "" {
		o.Ablation = "adamw"
	}
	if len(o.Seeds) == 0 {
		o.Seeds = []uint64{1}
	}
	smoke := o.Profile == train.ProfileSmoke
	if o.Grid == 0 {
		o.Grid = 41
		if smoke {
			o.Grid = 9
		}
	}
	if o.Eps == 0 {
		o.Eps = 1
	}
	if o.TraceProbes == 0 {
		o.TraceProbes = 30
		if smoke {
			o.TraceProbes = 4
		}
	}
	if o.RandomDirections == 0 {
		o.RandomDirections = 4
	}
	if o.RandomEps == 0 {
		o.RandomEps = 0.05
	}
	if !slices.Contains(experiment.MissingRatios, o.PMiss) {
		return o, fmt.Errorf("figures: p_miss %v is not a ratio of the protocol %v", o.PMiss, experiment.MissingRatios)
	}
	return o, nil
}

// Describe says which data, profile, optimizers and seeds the figure uses.
func (o Figure6Options) Describe() (string, error) {
	o, err := o.withDefaults()
	if err != nil {
		return "", err
	}
	return o.describe(fmt.Sprintf("%s vs %s at p_miss %.2f", o.Reference, o.Ablation, o.PMiss), seedList(o.Seeds)+" per fold")
}

// Sharpness is one trained model's curvature at its optimum.
type Sharpness struct {
	Cohort    string  `json:"cohort"`
	Optimizer string  `json:"optimizer"`
	Fold      int     `json:"fold"`
	Seed      uint64  `json:"seed"`
	Lambda1   float64 `json:"lambda1"`
	Lambda2   float64 `json:"lambda2"`
	Trace     float64 `json:"trace"`
	TraceSE   float64 `json:"trace_se"`
	// Loss is L(θ) over the training patients; TestC the run's test
	// Harrell C with all modalities.
	Loss  float64 `json:"loss"`
	TestC float64 `json:"test_c"`
	// Smoothed is the curvature along v₁ smoothed at the drawn grid's
	// step ([landscape.SmoothedCurvature]); EpsPlane the largest loss rise
	// over the drawn ±Eps square of (v₁, v₂), EpsRandom along
	// filter-normalised random directions ([landscape.EpsSharpness],
	// [landscape.RandomEpsSharpness]).
	Smoothed  float64 `json:"smoothed"`
	EpsPlane  float64 `json:"eps_plane"`
	EpsRandom float64 `json:"eps_random"`
}

// SharpnessMeasures names the measures Figure 6 compares, in the order of
// [Sharpness.Measure]: the two point curvatures, the three at the drawn
// scale, and the training loss (a flatter model may only be a less fitted
// one).
var SharpnessMeasures = []string{"λ₁", "trace", "smoothed λ₁", "ε-sharpness (plane)", "ε-sharpness (random)", "training loss"}

// Measure returns the model's value of SharpnessMeasures[q].
func (s Sharpness) Measure(q int) float64 {
	return [...]float64{s.Lambda1, s.Trace, s.Smoothed, s.EpsPlane, s.EpsRandom, s.Loss}[q]
}

// Figure6Panel is one cohort's pair of surfaces (same fold and seed).
type Figure6Panel struct {
	Cohort string `json:"cohort"`
	Fold   int    `json:"fold"`
	Seed   uint64 `json:"seed"`
	// Reference and Ablation are the two landscapes.
	Reference *landscape.Result `json:"reference"`
	Ablation  *landscape.Result `json:"ablation"`
}

// SharpnessSummary is one cohort × optimizer: mean ± SD over the units.
type SharpnessSummary struct {
	Cohort    string  `json:"cohort"`
	Optimizer string  `json:"optimizer"`
	N         int     `json:"n"`
	Lambda1   float64 `json:"lambda1"`
	Lambda1SD float64 `json:"lambda1_sd"`
	Lambda2   float64 `json:"lambda2"`
	Lambda2SD float64 `json:"lambda2_sd"`
	Trace     float64 `json:"trace"`
	TraceSD   float64 `json:"trace_sd"`
	Loss      float64 `json:"loss"`
	TestC     float64 `json:"test_c"`
	// Smoothed, EpsPlane and EpsRandom are the means of the measures at
	// the drawn scale.
	Smoothed  float64 `json:"smoothed"`
	EpsPlane  float64 `json:"eps_plane"`
	EpsRandom float64 `json:"eps_random"`
}

// Figure6Result is supplement Figure 6 measured on our cohorts.
type Figure6Result struct {
	PMiss     float64  `json:"p_miss"`
	Reference string   `json:"reference"`
	Ablation  string   `json:"ablation"`
	Seeds     []uint64 `json:"seeds"`
	Grid      int      `json:"grid"`
	Eps       float64  `json:"eps"`
	// Sigma is the smoothed curvature's scale, RandomEps the random
	// directions' half-width.
	Sigma     float64 `json:"sigma"`
	RandomEps float64 `json:"random_eps"`
	// Panels are the surfaces, one per cohort; Models every model's
	// sharpness; Summary their means per cohort and optimizer.
	Panels  []Figure6Panel     `json:"panels"`
	Models  []Sharpness        `json:"models"`
	Summary []SharpnessSummary `json:"summary"`
	// Comparisons pair the reference with the ablation per cohort and over
	// all cohorts, on λ₁ and on the trace (reference − ablation: negative
	// means the reference is flatter), decided as one family. Their Reading
	// says "flatter" or "sharper" for the reference where the rule finds a
	// direction.
	Comparisons []PairedComparison `json:"comparisons"`
}

// Figure6 trains (or loads from the protocol cache) PARACHUTE with the
// reference optimizer and with the ablation on every fold of every cohort at
// PMiss, measures each model's top Hessian eigenvalues and trace on its
// training patients, and draws the surfaces of SurfaceFold along the top two
// eigenvectors. The analyses are cached under Root/landscapes.
func Figure6(o Figure6Options) (*Figure6Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	variants := []MethodVariant{{Label: o.Reference, Method: train.MethodParachute, Optimizer: o.Reference},
		{Label: o.Ablation, Method: train.MethodParachute, Optimizer: o.Ablation}}
	cells, err := methodCells(o.Options, variants, o.Seeds)
	if err != nil {
		return nil, err
	}
	done, err := runProtocols(o.Options, cells)
	if err != nil {
		return nil, err
	}
	res := &Figure6Result{PMiss: o.PMiss, Reference: o.Reference, Ablation: o.Ablation, Seeds: o.Seeds, Grid: o.Grid, Eps: o.Eps,
		Sigma: o.Sigma(), RandomEps: o.RandomEps}
	panels := map[string]*Figure6Panel{}
	for _, spec := range o.Cohorts {
		res.Panels = append(res.Panels, Figure6Panel{Cohort: spec.Source, Fold: o.SurfaceFold, Seed: o.Seeds[0]})
	}
	for i := range res.Panels {
		panels[res.Panels[i].Cohort] = &res.Panels[i]
	}
	for _, pr := range done {
		for _, r := range pr.runs {
			if r.Config.Train.PMiss != o.PMiss {
				continue
			}
			surface := r.Config.Fold == o.SurfaceFold && pr.cell.seed == o.Seeds[0]
			opts := landscape.Options{Grid: 1, Eps: o.Eps, TraceProbes: o.TraceProbes, Seed: 1,
				SmoothingSigma: o.Sigma(), SharpnessEps: o.Eps, SharpnessRandom: o.RandomDirections, SharpnessRandomEps: o.RandomEps}
			if surface {
				opts.Grid = o.Grid
			}
			ls, err := cachedLandscape(o.Root, r, opts, o.Options)
			if err != nil {
				return nil, err
			}
			res.Models = append(res.Models, Sharpness{Cohort: pr.cell.cohort, Optimizer: pr.cell.variant, Fold: r.Config.Fold, Seed: pr.cell.seed,
				Lambda1: ls.Eigenvalues[0], Lambda2: ls.Eigenvalues[1], Trace: float64(ls.Trace), TraceSE: float64(ls.TraceSE),
				Loss: ls.LossAtOptimum, TestC: float64(r.Metrics.HarrellC), Smoothed: ls.SmoothedCurvature[0],
				EpsPlane: float64(ls.EpsSharpness), EpsRandom: float64(ls.RandomEpsSharpness)})
			if surface {
				if pr.cell.variant == o.Reference {
					panels[pr.cell.cohort].Reference = ls
				} else {
					panels[pr.cell.cohort].Ablation = ls
				}
			}
		}
	}
	if err := res.summarise(o); err != nil {
		return nil, err
	}
	return res, nil
}

// summarise fills Summary and Comparisons from Models.
func (res *Figure6Result) summarise(o Figure6Options) error {
	type key struct{ cohort, opt string }
	by := map[key][]Sharpness{}
	for _, m := range res.Models {
		by[key{m.Cohort, m.Optimizer}] = append(by[key{m.Cohort, m.Optimizer}], m)
	}
	all := make([][]stats.Unit, len(SharpnessMeasures))
	for _, spec := range o.Cohorts {
		for _, opt := range []string{o.Reference, o.Ablation} {
			ms := by[key{spec.Source, opt}]
			s := SharpnessSummary{Cohort: spec.Source, Optimizer: opt, N: len(ms)}
			var l1, l2, tr, loss, c, sm, ep, er []float64
			for _, m := range ms {
				l1, l2, tr = append(l1, m.Lambda1), append(l2, m.Lambda2), append(tr, m.Trace)
				loss, c = append(loss, m.Loss), append(c, m.TestC)
				sm, ep, er = append(sm, m.Smoothed), append(ep, m.EpsPlane), append(er, m.EpsRandom)
			}
			s.Smoothed, _ = stats.MeanSD(sm)
			s.EpsPlane, _ = stats.MeanSD(ep)
			s.EpsRandom, _ = stats.MeanSD(er)
			s.Lambda1, s.Lambda1SD = stats.MeanSD(l1)
			s.Lambda2, s.Lambda2SD = stats.MeanSD(l2)
			s.Trace, s.TraceSD = stats.MeanSD(tr)
			s.Loss, _ = stats.MeanSD(loss)
			s.TestC, _ = stats.MeanSD(c)
			res.Summary = append(res.Summary, s)
		}
		ref, abl := by[key{spec.Source, o.Reference}], by[key{spec.Source, o.Ablation}]
		if len(ref) != len(abl) {
			return fmt.Errorf("figures: %d %s and %d %s models on %s", len(ref), o.Reference, len(abl), o.Ablation, spec.Source)
		}
		for q, measure := range SharpnessMeasures {
			var units []stats.Unit
			for k := range ref {
				if ref[k].Fold != abl[k].Fold || ref[k].Seed != abl[k].Seed {
					return fmt.Errorf("figures: unpaired models on %s", spec.Source)
				}
				units = append(units, stats.Unit{Cluster: fmt.Sprintf("%s fold %d", spec.Source, ref[k].Fold),
					Reference: ref[k].Measure(q), Other: abl[k].Measure(q)})
			}
			all[q] = append(all[q], units...)
			if len(units) >= 2 {
				pc, err := compareSharpness(spec.Source, measure, o, units)
				if err != nil {
					return err
				}
				res.Comparisons = append(res.Comparisons, pc)
			}
		}
	}
	if len(o.Cohorts) > 1 {
		for q, measure := range SharpnessMeasures {
			pc, err := compareSharpness("all cohorts", measure, o, all[q])
			if err != nil {
				return err
			}
			res.Comparisons = append(res.Comparisons, pc)
		}
	}
	decide(fmt.Sprintf("the %d comparisons of Figure 6 (%d measures, per cohort and pooled)", len(res.Comparisons), len(SharpnessMeasures)),
		res.Comparisons)
	for i, pc := range res.Comparisons {
		higher, lower := "sharper", "flatter"
		if strings.HasSuffix(pc.Reference, "training loss") {
			higher, lower = "higher loss", "lower loss"
		}
		switch pc.Verdict {
		case stats.Better:
			res.Comparisons[i].Reading = higher
		case stats.Worse:
			res.Comparisons[i].Reading = lower
		}
	}
	return nil
}

// compareSharpness pairs reference and ablation sharpness values; the
// comparison's Reference names the measure. Its verdict, set by decide
// over the figure's family, reads "flatter" for the reference when the
// rule finds reference − ablation below 0, "sharper" when above.
func compareSharpness(cohort, measure string, o Figure6Options, units []stats.Unit) (PairedComparison, error) {
	return comparePaired(cohort, []float64{o.PMiss}, OptimizerLabel(o.Reference)+" "+measure, OptimizerLabel(o.Ablation)+" "+measure, units, o.Seed)
}

// cachedLandscape returns the landscape of a protocol run with the
// analysis options, from Root/landscapes/<run hash>-<options hash>.json or
// computed (the run retrained from its configuration: see
// experiment.OpenTrainedRun) and written there.
func cachedLandscape(root string, r *experiment.RunResult, opts landscape.Options, o Options) (*landscape.Result, error) {
	raw, err := json.Marshal(opts)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	path := filepath.Join(root, "landscapes", r.Hash+"-"+hex.EncodeToString(sum[:])[:12]+".json")
	if raw, err := os.ReadFile(path); err == nil {
		var ls landscape.Result
		if err := json.Unmarshal(raw, &ls); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return &ls, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	be, err := backend.New()
	if err != nil {
		return nil, err
	}
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, "landscape of run %s (%s, %s, fold %d)\n", r.Hash, r.Config.Cohort.Source, r.Config.Train.Optimizer, r.Config.Fold)
	}
	tr, err := experiment.OpenTrainedRun(be, experiment.ResultPath(root, r.Config), nil)
	if err != nil {
		return nil, err
	}
	ls, err := experiment.Landscape(tr, opts)
	if err != nil {
		return nil, err
	}
	if err := experiment.WriteJSON(path, ls); err != nil {
		return nil, err
	}
	return ls, nil
}

// Verdict says in plain words what the models show about the claim that
// the reference optimizer finds flatter minima: each measure's comparison
// pooled over the cohorts (or the only cohort's), which sharpness
// measures agree, and how training loss goes with λ₁ across the models
// (Spearman's ρ), since a flatter model may simply be a less fitted one.
func (r *Figure6Result) Verdict() string {
	var parts []string
	reading := map[string][]string{}
	for _, pc := range r.Comparisons {
		if len(r.Panels) > 1 && pc.Cohort != "all cohorts" {
			continue
		}
		measure := strings.TrimPrefix(pc.Reference, OptimizerLabel(r.Reference)+" ")
		parts = append(parts, fmt.Sprintf("%s: %+.3g [%+.3g, %+.3g] over %d fold pairs, Holm p %.3g, %s",
			measure, pc.MeanDiff, pc.Lower, pc.Upper, pc.Pairs, pc.PAdjusted, pc.Said()))
		if measure != "training loss" {
			reading[pc.Said()] = append(reading[pc.Said()], measure)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "At p_miss %.2f, %s − %s (negative: %s flatter or lower): %s.", r.PMiss, OptimizerLabel(r.Reference),
		OptimizerLabel(r.Ablation), OptimizerLabel(r.Reference), strings.Join(parts, "; "))
	var agree []string
	for _, said := range slices.Sorted(maps.Keys(reading)) {
		agree = append(agree, fmt.Sprintf("%s by %s", said, strings.Join(reading[said], ", ")))
	}
	fmt.Fprintf(&b, " The sharpness measures say: %s.", strings.Join(agree, "; "))
	var loss, l1 []float64
	for _, m := range r.Models {
		loss, l1 = append(loss, m.Loss), append(l1, m.Lambda1)
	}
	if rho, err := stats.Spearman(loss, l1); err == nil {
		fmt.Fprintf(&b, " Across the %d models, Spearman's ρ between training loss and λ₁ is %+.2f (a clearly negative ρ would say that "+
			"the flatter models are the less fitted ones, so that flatness and fit could not be told apart).", len(r.Models), rho)
	}
	return b.String()
}
