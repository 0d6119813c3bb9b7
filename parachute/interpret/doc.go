// SPDX-License-Identifier: Apache-2.0

// Package interpret computes what supplement Figure 10 compares between
// predicted risk groups: tumour morphology from 3-D masks (voxel and mesh
// volume, surface area, sphericity, as pyradiomics defines them) and cell
// densities per mm² of tissue. It is pure Go and works on plain values;
// package figures reads the files and fits the models. Risk groups and their
// Kaplan–Meier curves come from package survival, group tests from package
// stats.
package interpret
