// SPDX-License-Identifier: Apache-2.0

// Package optim holds the training steps of goparachute: AdamW with the
// supplement's cosine schedule (Eq. 11), Gradient Curvature Steering (GCS,
// supplement Algorithm 2) and the optimizers Figure 5 compares it with: SAM,
// CR-SAM and GradVac. A [Step] builds one step's gradients for a
// [Problem] (encoder, head, loss); AdamW applies them. Optimizer state lives
// in the GoMLX context under the scope "optim".
//
// Cost of a step relative to an AdamW step, paper-size model on the fixed
// CPU workload (BenchmarkPaperStepCost): GCS 1.03× (the curvature needs a
// second backward pass through the hazard net only), SAM 1.7×, GradVac 2.0×,
// CR-SAM 3.3×.
package optim
