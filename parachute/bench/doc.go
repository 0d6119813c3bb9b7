// SPDX-License-Identifier: Apache-2.0

// Package bench measures training and inference: the paper-size workload
// (Bench, BenchWorkload), the stack's epoch time by stack size (BenchStack),
// and the agreement of two backends' predictions (CompareBackends). Its
// Benchmark functions are `make bench`; `parachute bench` prints Bench's
// JSON.
package bench
