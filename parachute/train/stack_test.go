// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"slices"
	"testing"

	"github.com/gomlx/gomlx/backends"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
	"github.com/parachute-surv/goparachute/data"
	"github.com/parachute-surv/goparachute/parachute/backend"
	"github.com/parachute-surv/goparachute/parachute/baselines/deep" //nolint:revive // graph DSL
	"github.com/parachute-surv/goparachute/parachute/optim"
)

// testStack is the stack limit the tests ask for (--stack 20).
const testStack = 20

func stackConfigs(t *testing.T, optimizer, network string, compat bool) []TrainConfig {
	t.Helper()
	var cfgs []TrainConfig
	for k, p := range []float64{0, 0.15, 0.3} {
		cfg, err := Profile(ProfileSmoke)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Optimizer, cfg.PMiss, cfg.Seed, cfg.Model.Dropout, cfg.Network = optimizer, p, uint64(7+k), 0.2, network
		cfg.BatchSize = 12
		if compat { // every switch of the authors' code (batch attention and BatchNorm across the batch)
			cfg.StepParams.GCS.Compat, cfg.StepParams.GCS.CompatSeed = true, 7
			cfg.CompatInvertedEvents, cfg.CompatDecayAll = true, true
			cfg.Model.CompatBatchAttention, cfg.Model.CompatPlainFusion, cfg.Model.CompatBatchNorm = true, true, true
		}
		cfgs = append(cfgs, cfg)
	}
	return cfgs
}

// stackCohort is the cohort and backend of the stack tests.
func stackCohort(t *testing.T) (*data.Cohort, backends.Backend) {
	t.Helper()
	c, err := data.Open(data.CohortSpec{Source: "synth:ucec", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return c, b
}

// variables returns the bytes of every variable of the trainer's own
// context by path.
func variables(t *testing.T, tr *Trainer) map[string]string {
	t.Helper()
	out := map[string]string{}
	for v := range tr.ctx.IterVariables() {
		value, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		value.ConstBytes(func(b []byte) { out[v.ScopeAndName()] = value.Shape().String() + string(b) })
	}
	return out
}

// TestStackEqualsRunsAlone trains three runs stacked in one graph and the
// same three alone, step by step, and requires the same risks, losses and
// final variables (parameters, optimizer state, random state) bit for bit
// on the pure-Go backend, for every training step, with AdamW every deep
// baseline, and GCS with the authors' compat switches: as replicas, and on a
// run axis for every setting that allows one (every optimizer but GradVac
// on the PARACHUTE network, without the compat switches). AdamW also runs
// inside the graph, as on XLA (graphAdamW), where each run's update reads
// its own learning rate.
func TestStackEqualsRunsAlone(t *testing.T) {
	c, b := stackCohort(t)
	type setting struct {
		optimizer, network string
		compat             bool
		layout             StackLayout
		graphAdamW         bool
	}
	var settings []setting
	for _, o := range optim.Optimizers() {
		settings = append(settings, setting{o, "", false, LayoutReplicas, false})
		if o != "gradvac" {
			settings = append(settings, setting{o, "", false, LayoutRunAxis, false})
		}
	}
	for _, n := range deep.Names {
		settings = append(settings, setting{"adamw", n, false, LayoutAuto, false})
	}
	settings = append(settings, setting{"gcs", "", true, LayoutAuto, false}, setting{"gradvac", "", false, LayoutAuto, false},
		setting{"adamw", "", false, LayoutRunAxis, true}, setting{"gcs", "", false, LayoutReplicas, true})
	for _, st := range settings {
		name := fmt.Sprintf("%s/%s/compat=%v/%s", st.optimizer, st.network, st.compat, st.layout)
		if st.graphAdamW {
			name += "/graph-adamw"
		}
		t.Run(name, func(t *testing.T) {
			cfgs := stackConfigs(t, st.optimizer, st.network, st.compat)
			stack, err := NewStack(b, c, cfgs, st.layout)
			if err != nil {
				t.Fatal(err)
			}
			want := st.layout
			if want == LayoutAuto {
				want = LayoutReplicas // what the auto settings above cannot stack on a run axis
			}
			if stack.Layout() != want {
				t.Fatalf("layout %s, want %s", stack.Layout(), want)
			}
			alone := make([]*Trainer, len(cfgs))
			for k, cfg := range cfgs {
				if alone[k], err = NewTrainer(b, c, cfg); err != nil {
					t.Fatal(err)
				}
			}
			if st.graphAdamW { // before the first step builds the graphs
				for k := range alone {
					alone[k].adamwOnHost, stack.Runs[k].adamwOnHost = false, false
				}
			}
			for step := range 4 {
				batches := make([][]*data.Patient, len(cfgs))
				lrs := make([]float64, len(cfgs))
				for k := range cfgs {
					// Different patients per run and step; the last batch is
					// short and of a different size in each run (7, 6 and 5
					// patients), as the last batches of runs whose training
					// sets differ in size: each is padded to the batch size
					// and masked.
					n := 12 - (5+k)*(step/3)
					for i := range n {
						batches[k] = append(batches[k], &c.Patients[(step*7+k*11+i*3)%len(c.Patients)])
					}
					lrs[k] = 1e-3 * float64(1+k)
				}
				got, errs, err := stack.Step(batches, lrs)
				if err != nil {
					t.Fatal(err)
				}
				for k, tr := range alone {
					if errs[k] != nil {
						t.Fatalf("stacked run %d step %d: %v", k, step, errs[k])
					}
					want, err := tr.Step(batches[k], lrs[k])
					if err != nil {
						t.Fatal(err)
					}
					if got[k].Loss != want.Loss || !slices.Equal(got[k].Risk, want.Risk) || !slices.Equal(got[k].Curvature, want.Curvature) ||
						!slices.Equal(got[k].Gate, want.Gate) || !slices.Equal(got[k].Missing, want.Missing) {
						t.Fatalf("run %d step %d: stacked loss %v risks %v, alone %v %v", k, step, got[k].Loss, got[k].Risk[:3], want.Loss, want.Risk[:3])
					}
				}
			}
			for k, tr := range alone {
				if err := stack.Export(k); err != nil {
					t.Fatal(err)
				}
				got, want := variables(t, stack.Runs[k]), variables(t, tr)
				if len(got) != len(want) {
					t.Fatalf("run %d: %d variables stacked, %d alone", k, len(got), len(want))
				}
				for name, w := range want {
					if got[name] != w {
						t.Fatalf("run %d: variable %s differs stacked and alone", k, name)
					}
				}
				// The exported trainer predicts as the one trained alone.
				ps := PatientsOf(c, c.Folds[0].Test)
				p1, err := stack.Runs[k].Predict(ps, nil)
				if err != nil {
					t.Fatal(err)
				}
				p2, err := tr.Predict(ps, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(p1, p2) {
					t.Fatalf("run %d: exported predictions differ", k)
				}
			}
		})
	}
}

// TestRunAxisBatchesTheOperations: a stack of three runs on a run axis
// builds a training graph with as many matrix products as one run's graph
// (each a product batched over the runs), where replicas have three times
// as many.
func TestRunAxisBatchesTheOperations(t *testing.T) {
	c, b := stackCohort(t)
	cfgs := stackConfigs(t, "gcs", "", false)
	products := func(build func(ctx *context.Context, inputs []*Node) []*Node, ctx *context.Context, runs []*Trainer) int {
		g := NewGraph(b, "count")
		defer g.Finalize()
		var inputs []*Node
		for _, tr := range runs {
			args, _, err := tr.stepArgs(nil, 1e-3)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range args {
				inputs = append(inputs, Parameter(g, fmt.Sprintf("input%d", len(inputs)), x.(*tensors.Tensor).Shape()))
			}
		}
		build(ctx, inputs)
		n := 0
		for _, node := range g.Nodes() {
			if node.Type() == NodeTypeDotGeneral {
				n++
			}
		}
		return n
	}
	alone, err := NewTrainer(b, c, cfgs[0])
	if err != nil {
		t.Fatal(err)
	}
	one := products(func(ctx *context.Context, in []*Node) []*Node { return alone.trainGraph(ctx, in) }, alone.ctx, []*Trainer{alone})
	counts := map[StackLayout]int{}
	for _, layout := range []StackLayout{LayoutRunAxis, LayoutReplicas} {
		s, err := NewStack(b, c, cfgs, layout)
		if err != nil {
			t.Fatal(err)
		}
		build := s.trainGraph
		if layout == LayoutRunAxis {
			build = s.axisTrainGraph
		}
		counts[layout] = products(build, s.ctx, s.Runs)
	}
	if one == 0 || counts[LayoutRunAxis] != one || counts[LayoutReplicas] != 3*one {
		t.Fatalf("matrix products: one run %d, run axis of 3 %d (want %d), replicas of 3 %d (want %d)",
			one, counts[LayoutRunAxis], one, counts[LayoutReplicas], 3*one)
	}
	t.Logf("matrix products per training step: %d alone and on a run axis of 3, %d as 3 replicas", one, counts[LayoutReplicas])
}
