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
//   - grid.go: a sweep's Grid (read from JSON), expanded into runs, and
//     its shards for array jobs.
//   - schedule.go: RunAll, the scheduler (workers, stacks planned to fit
//     in memory, DefaultWorkers, AutoStack).
//   - progress.go: a sweep's progress, as lines or ProgressEvents.
//   - collect.go: a results folder as a table.
//   - protocol.go: ProtocolRuns, RunProtocol, Summarize, Degradation.
//   - predict.go, export.go, landscape.go: a trained run opened again to
//     predict new patients, export predictions or measure its landscape.
//
// Training itself is package train; benchmarks are package bench.
package experiment
