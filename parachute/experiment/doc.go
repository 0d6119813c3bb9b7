// SPDX-License-Identifier: Apache-2.0

// Package experiment runs the PARACHUTE protocol as files. Where things
// happen:
//
//   - config.go: RunConfig, one run (cohort, method, fold, training and
//     evaluation settings), and its hash, which names its result file.
//   - cache.go, runfolder.go, paths.go, lock.go: a run's result file
//     (<root>/runs/<hash>.json, checksummed, written atomically), RunOrLoad,
//     checkpoints of unfinished runs, the lock that keeps two processes
//     from training one run, run folders of `parachute train`.
//   - stackrun.go: RunStackOrLoad, unfinished runs trained as one stack
//     (package train) and written each as if alone.
//   - sweep.go: grids, shards, RunAll's scheduler, stack planning,
//     progress; protocol.go: ProtocolRuns, Summarize, Degradation;
//     collect.go: a results folder as a table.
//   - predict.go, export.go, landscape.go: a trained run opened again to
//     predict new patients, export predictions or measure its landscape.
//
// Training itself is package train; benchmarks are package bench.
package experiment
