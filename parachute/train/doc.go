// SPDX-License-Identifier: Apache-2.0

// Package train trains and scores one model on one fold of a cohort, alone
// or in a stack of runs. Where things happen:
//
//   - profiles.go, methods.go: TrainConfig and the profiles (quick, paper,
//     authors, smoke); the model families ("methods": PARACHUTE, unimodal
//     PARACHUTE, the linear and deep baselines) and EvalConfig. The training
//     step ("optimizer") comes from package optim's registry.
//   - trainer.go, network.go: the Trainer, its training and evaluation
//     graphs (the graph inputs' positions are named there), one step.
//   - train.go: Train, the epoch loop with checkpoints (checkpoint.go) and
//     exact resume (Resume).
//   - batches.go: batch assembly and runtime modality masking.
//   - stack.go, stackaxis.go, stacktrain.go, stackmemory.go: K runs in one
//     graph (replicas, or one network with a run axis), TrainStack and
//     TrainerStack.Epoch, the memory a run needs.
//   - evaluate.go, scenarios.go: scoring a trained model under the masking
//     scenarios (package scoring's one path).
//   - linear.go: the linear baselines as predictors; attention.go: attention
//     maps; lossfunction.go: the Objective package hvp differentiates; run.go:
//     TrainFold and its run.json record.
//
// Package experiment keeps runs as files (cache, locks, sweeps, protocol);
// train writes only the checkpoints it is given a path for.
package train
