// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/gonum/floats"

	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/atomicfile"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/figures"
	"github.com/parachute-surv/goparachute/parachute/model"
	"github.com/parachute-surv/goparachute/parachute/survival"
	"github.com/parachute-surv/goparachute/parachute/train"
	"github.com/parachute-surv/goparachute/parachute/tutorial"
	"github.com/parachute-surv/goparachute/plotting"
)

// product is one file of reproduce: a figure (PNG and SVG) or a Markdown
// table, named as the notebook that shows it names it.
type product struct {
	name  string
	fig   *plotting.Figure
	table string
}

// artifact is the products of one notebook section, built together.
type artifact struct {
	name  string
	build func(o figures.Options) ([]product, error)
}

// figureOf names a figure builder's result as one product:
// figureOf(name)(builder(...)).
func figureOf(name string) func(*plotting.Figure, error) ([]product, error) {
	return func(f *plotting.Figure, err error) ([]product, error) { return []product{{name: name, fig: f}}, err }
}

// artifacts are the supplement's figures and tables and the tutorials'
// figures, in notebook order (notebooks/README.md).
var artifacts = []artifact{
	{"table4_cohorts", func(o figures.Options) ([]product, error) {
		rows, err := figures.Table4(1)
		return []product{{name: "table4_cohorts", table: plotting.Table4(figures.PaperTable4, rows)}}, err
	}},
	{"figure4_architecture", func(figures.Options) ([]product, error) {
		b, err := backend.New()
		if err != nil {
			return nil, err
		}
		s, err := model.Summarize(b, model.PaperConfig(), 1)
		if err != nil {
			return nil, err
		}
		pipeline, err := plotting.Architecture(s, plotting.DefaultTheme)
		if err != nil {
			return nil, err
		}
		block, err := plotting.BlockDiagram(s, plotting.DefaultTheme)
		return []product{{name: "figure4_architecture", fig: pipeline}, {name: "figure4a_block", fig: block}}, err
	}},
	{"figure5_optimizers", func(o figures.Options) ([]product, error) {
		r, err := figures.Figure5(figures.Figure5Options{Options: o})
		if err != nil {
			return nil, err
		}
		f, err := plotting.OptimizersVsMissing(r, plotting.DefaultTheme)
		return []product{{name: "figure5_optimizers", fig: f},
			{name: "figure5_at_30_percent", table: plotting.PairedComparisons(r.AtHighest)},
			{name: "figure5_pooled", table: plotting.PairedComparisons(r.Pooled) + "\n" + r.Verdict() + "\n\n" + r.ClaimsBeside()}}, err
	}},
	{"figure6_landscape", func(o figures.Options) ([]product, error) {
		r, err := figures.Figure6(figures.Figure6Options{Options: o})
		if err != nil {
			return nil, err
		}
		f, err := plotting.Figure6(r, plotting.DefaultTheme)
		return []product{{name: "figure6_landscape", fig: f},
			{name: "figure6_sharpness", table: plotting.Figure6Table(r) + "\n" + r.Verdict()}}, err
	}},
	{"figure7_encoders", func(o figures.Options) ([]product, error) {
		o.Cohorts = nil // Figure 7's own default cohort
		r, err := figures.Figure7(figures.Figure7Options{Options: o})
		if err != nil {
			return nil, err
		}
		return figureOf("figure7_encoders")(plotting.EncoderAblation(r, plotting.DefaultTheme))
	}},
	{"figure8_auc", func(o figures.Options) ([]product, error) {
		panels, err := figures.Figure8(o)
		if err != nil {
			return nil, err
		}
		f, err := plotting.AUCCurves(panels, plotting.DefaultTheme)
		var verdicts []string
		for _, p := range panels {
			verdicts = append(verdicts, p.Verdict())
		}
		return []product{{name: "figure8_auc", fig: f}, {name: "figure8_verdicts", table: strings.Join(verdicts, "\n\n") + "\n"}}, err
	}},
	{"figure9_calibration", func(o figures.Options) ([]product, error) {
		panels, err := figures.Figure9(o)
		if err != nil {
			return nil, err
		}
		f, err := plotting.Calibration(panels, plotting.DefaultTheme)
		var verdicts []string
		for _, p := range panels {
			verdicts = append(verdicts, p.Verdict())
		}
		return []product{{name: "figure9_calibration", fig: f}, {name: "figure9_verdicts", table: strings.Join(verdicts, "\n\n") + "\n"}}, err
	}},
	{"table5_degradation", func(o figures.Options) ([]product, error) {
		r, err := figures.Table5(figures.Table5Options{Options: o})
		if err != nil {
			return nil, err
		}
		f, err := plotting.DegradationSpeeds(r, plotting.DefaultTheme)
		return []product{{name: "table5_degradation", table: plotting.Table5(r)}, {name: "table5_degradation_speeds", fig: f},
			{name: "table5_comparisons", table: plotting.PairedComparisons(r.Comparisons) + "\n" + r.Verdict()}}, err
	}},
	{"section4_naive_concatenation", func(o figures.Options) ([]product, error) {
		r, err := figures.Section4(figures.Section4Options{Options: o})
		if err != nil {
			return nil, err
		}
		f, err := plotting.Section4(r, plotting.DefaultTheme)
		return []product{{name: "section4_naive_concatenation", fig: f},
			{name: "section4_table", table: plotting.Section4Table(r)},
			{name: "section4_comparisons", table: plotting.PairedComparisons(r.Comparisons) + "\n" + r.Verdict()}}, err
	}},
	{"methods_table", func(o figures.Options) ([]product, error) {
		r, err := figures.MethodsTable(figures.MethodsTableOptions{Options: o})
		if err != nil {
			return nil, err
		}
		return []product{{name: "methods_table", table: plotting.MethodsTable(r)},
			{name: "methods_comparisons", table: plotting.PairedComparisons(r.Comparisons) + "\n" + r.Verdict()}}, nil
	}},
	{"tutorial01_kaplan_meier", func(figures.Options) ([]product, error) {
		c, err := tutorialCohort()
		if err != nil {
			return nil, err
		}
		return figureOf("tutorial01_kaplan_meier")(plotting.KaplanMeierByRisk(c.Outcomes(), c.Synthetic.LogHazard, 3, plotting.DefaultTheme))
	}},
	{"tutorial01_cox_profile", func(figures.Options) ([]product, error) {
		c, err := tutorialCohort()
		if err != nil {
			return nil, err
		}
		scales := floats.Span(make([]float64, 41), 0, 2)
		ll, err := survival.CoxScaleProfile(c.Outcomes(), c.Synthetic.LogHazard, scales)
		if err != nil {
			return nil, err
		}
		slope, err := survival.CalibrationSlope(c.Outcomes(), c.Synthetic.LogHazard)
		if err != nil {
			return nil, err
		}
		return figureOf("tutorial01_cox_profile")(plotting.CoxProfile(scales, ll, slope, plotting.DefaultTheme))
	}},
	{"tutorial01_censoring", func(o figures.Options) ([]product, error) {
		c, err := tutorialCohort()
		if err != nil {
			return nil, err
		}
		s, err := tutorial.StudyCensoring(c.Synthetic, tutorial.CensoringStudyOptions{Seed: o.Seed})
		if err != nil {
			return nil, err
		}
		return figureOf("tutorial01_censoring")(plotting.CensoringStudy(s, plotting.DefaultTheme))
	}},
	{"tutorial02_fusion", func(o figures.Options) ([]product, error) {
		r, err := tutorial.Fusion(o)
		if err != nil {
			return nil, err
		}
		dce, err := plotting.SimilarityTopK(r.DCE, plotting.DefaultTheme)
		if err != nil {
			return nil, err
		}
		att, err := plotting.AttentionMaps(r.Attention, fmt.Sprintf("patient %s, every modality (head average)", r.Tokens[0].Patient), plotting.DefaultTheme)
		if err != nil {
			return nil, err
		}
		attMissing, err := plotting.AttentionMaps(r.AttentionRadMissing, fmt.Sprintf("patient %s, radiology hidden", r.Tokens[0].Patient), plotting.DefaultTheme)
		return []product{{name: "tutorial02_missing_tokens", table: plotting.MissingTokens(r.Tokens)},
			{name: "tutorial02_masking_rates", table: plotting.MaskingRates(r.Rates)}, {name: "tutorial02_dce", fig: dce},
			{name: "tutorial02_attention", fig: att}, {name: "tutorial02_attention_rad_missing", fig: attMissing}}, err
	}},
	{"figure10_interpretability", func(o figures.Options) ([]product, error) {
		o.Optimizer = "gcs"
		r, err := figures.Figure10(figures.Figure10Options{Options: o})
		if err != nil {
			return nil, err
		}
		f, err := plotting.Figure10(r, plotting.DefaultTheme)
		if err != nil {
			return nil, err
		}
		var verdicts []string
		for i := range r.Panels {
			verdicts = append(verdicts, r.Panels[i].HeterogeneityVerdict())
		}
		if effects := r.Effects(); effects != nil {
			verdicts = append(verdicts, "Planted by the synthetic generator:\n- "+strings.Join(effects, "\n- "))
		}
		out := []product{{name: "figure10_interpretability", fig: f}, {name: "figure10_tests", table: plotting.Figure10Table(r)},
			{name: "figure10_heterogeneity", table: strings.Join(verdicts, "\n\n") + "\n"}}
		km, err := plotting.Figure10KM(r, plotting.DefaultTheme)
		for i, k := range km {
			out = append(out, product{name: fmt.Sprintf("figure10_km_%d", i), fig: k})
		}
		return out, err
	}},
	{"tutorial03_sharpness", func(o figures.Options) ([]product, error) {
		r, err := tutorial.Sharpness(tutorial.SharpnessOptions{Seed: o.Seed})
		if err != nil {
			return nil, err
		}
		paths, err := plotting.Trajectories(r, plotting.DefaultTheme)
		if err != nil {
			return nil, err
		}
		gate, err := plotting.GateTrace(r.Trajectories[2], plotting.DefaultTheme)
		return []product{{name: "tutorial03_trajectories", fig: paths}, {name: "tutorial03_end_points", table: plotting.EndPoints(r)},
			{name: "tutorial03_gate", fig: gate}, {name: "tutorial03_line11", table: plotting.ProbeTable(r.Probes)}}, err
	}},
	{"tutorial04_hessians", func(o figures.Options) ([]product, error) {
		r, err := tutorial.Hessians(tutorial.HessiansOptions{Seed: o.Seed})
		if err != nil {
			return nil, err
		}
		var out []product
		for _, p := range []struct {
			name string
			draw func(*tutorial.HessiansResult, plotting.Theme) (*plotting.Figure, error)
		}{{"tutorial04_hvp", plotting.HVPCheck}, {"tutorial04_lanczos", plotting.RitzConvergence},
			{"tutorial04_slices", plotting.LossSlices}, {"tutorial04_density", plotting.SpectralDensity}} {
			f, err := p.draw(r, plotting.DefaultTheme)
			if err != nil {
				return nil, err
			}
			out = append(out, product{name: p.name, fig: f})
		}
		return append(out, product{name: "tutorial04_summary", table: plotting.HessianSummary(r)}), nil
	}},
}

// tutorialCohort is the cohort of tutorials/01: the synthetic pda preset.
func tutorialCohort() (*data.Cohort, error) {
	return data.Synthesize(data.SynthOptions{Preset: "pda", Seed: 1})
}

func runReproduce(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("reproduce", `Produces every figure and table of the notebooks without Jupyter: the same library calls,
the same run cache, the same file names (PNG and SVG for figures, Markdown for tables).`,
		"parachute reproduce --profile smoke --only figure8_auc --cache out/cache --out out/figures")
	profile := fs.String("profile", train.ProfileQuick, "quick (CPU, minutes), paper (the full protocol; GPU) or smoke (tests)")
	out := fs.String("out", "", "folder for the figures (default out/figures of the repository, or $PARACHUTE_FIGURES)")
	cache := fs.String("cache", "", "folder caching finished runs (default out/cache, or $PARACHUTE_CACHE)")
	seed := fs.Uint64("seed", 1, "training, evaluation and bootstrap seed")
	workers := workersFlag(fs.FlagSet)
	stacking := addStackFlags(fs.FlagSet)
	names := make([]string, len(artifacts))
	for i, a := range artifacts {
		names[i] = a.name
	}
	only := fs.String("only", "", "comma-separated names to produce (default all): "+strings.Join(names, ", "))
	if err := fs.parse(args, stdout, stderr, oneOf("profile", profile, train.ProfileQuick, train.ProfilePaper, train.ProfileSmoke),
		atLeast("workers", workers, 0, "0: the default"), stacking.rule(), check(func() error {
			for _, n := range splitNames(*only) {
				if !slices.Contains(names, n) {
					return fmt.Errorf("--only: unknown name %q%s", n, didYouMean(n, names))
				}
			}
			return nil
		})); err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		d, err := plotting.FiguresDir()
		if err != nil {
			return err
		}
		dir = d
	}
	stack, stackMemory, err := stacking.options()
	if err != nil {
		return err
	}
	opts := figures.Options{Profile: *profile, Seed: *seed, Root: *cache, Workers: *workers, Stack: stack, StackMemory: stackMemory, Progress: stderr}
	about, err := opts.Describe()
	if err != nil {
		return err
	}
	fmt.Fprintln(stderr, about)
	want := map[string]bool{}
	for _, n := range splitNames(*only) {
		want[n] = true
	}
	for _, a := range artifacts {
		if len(want) > 0 && !want[a.name] {
			continue
		}
		products, err := a.build(opts)
		if err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		for _, pr := range products {
			var paths []string
			if pr.fig != nil {
				if paths, err = plotting.Save(pr.fig, dir, pr.name); err != nil {
					return err
				}
			} else {
				path := filepath.Join(dir, pr.name+".md")
				if err := atomicfile.Write(path, []byte(pr.table)); err != nil {
					return err
				}
				paths = []string{path}
			}
			for _, p := range paths {
				fmt.Fprintln(stdout, p)
			}
		}
	}
	return nil
}
