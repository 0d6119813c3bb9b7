// SPDX-License-Identifier: Apache-2.0

// Package experiment runs the PARACHUTE protocol on a cohort: training
// profiles, the training loop with checkpoints and exact resume, batch
// assembly from package data's patients (caps, CT resampling, runtime
// modality masking), predictions and run files.
package experiment
