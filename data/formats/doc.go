// SPDX-License-Identifier: Apache-2.0

// Package formats reads and writes the feature files of one patient, one file
// at a time, and knows nothing of cohorts:
//
//	.h5            Trident slide features: "features" [D] (or [N, D], mean-pooled) and
//	               optional "coords" [N, 2] ([ReadSlideFeatures], [ReadSlideFile],
//	               [WriteSlideFeatures]; cgo over the system HDF5 library)
//	.npy           NumPy CT slice embeddings [S, D] or [D], float16/32/64, C or Fortran
//	               order ([ReadSeriesFeatures], [WriteSeriesFeatures])
//	.pt, .pth      the same as a tensor saved with torch.save, any strides
//	.nii, .nii.gz  NIfTI-1 tumour masks, voxels non-zero inside the tumour
//	               ([ReadMask], [WriteMask]; [Mask] carries the voxel sizes)
//
// The nohdf5 build tag drops the HDF5 binding for machines without the
// library: [HDF5Available] is then false and .h5 files give [ErrNoHDF5].
//
// Every fault is a [*FileError] naming the file and where in it (an element,
// a header field), wrapping [ErrFormat] or a more specific sentinel; a
// corrupt file never panics ([GuardDecoder] turns a third-party decoder's
// panic into an error, and the fuzz targets of this package hold it to that).
// Writers are atomic (package atomicfile). Package data assembles these files
// into cohorts and re-exports the error types (data.FileError is FileError).
package formats
