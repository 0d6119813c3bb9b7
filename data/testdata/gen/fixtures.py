#!/usr/bin/python3
"""Fixtures for package data's readers, written by the tools real users' files
come from: h5py (Trident writes its .h5 files with h5py), numpy (MedImageInsight
features are saved with numpy.save), torch (the authors' loader also reads CT
features saved with torch.save) and nibabel (NIfTI masks).

Run from data/testdata with Debian's Python (python3-h5py, python3-numpy,
python3-torch, python3-nibabel):  /usr/bin/python3 gen/fixtures.py
Used: h5py 3.7.0, numpy 1.24.2, torch 1.13.0a0, nibabel 5.0.0. go test never
runs this script.

Values follow formulas the Go tests recompute:
  slide embedding     f[j] = 0.001*j - 0.3                      (j < D)
  patch n, feature j  f[n, j] = 0.01*(n+1) + 0.001*j            (mean over n: 0.01*(N+1)/2 + 0.001*j)
  CT slice s, feat j  f[s, j] = 0.1*s - 0.0005*j
  mask                voxel (x, y, z) is 1 iff x + 2*y + 3*z is divisible by 5
"""
import os

import h5py
import nibabel as nib
import numpy as np
import torch

os.makedirs("h5", exist_ok=True)
os.makedirs("npy", exist_ok=True)
os.makedirs("nifti", exist_ok=True)
os.makedirs("pt", exist_ok=True)


def slide(d, dtype=np.float32):
    return (0.001 * np.arange(d) - 0.3).astype(dtype)


def patches(n, d):
    return (0.01 * (np.arange(n)[:, None] + 1) + 0.001 * np.arange(d)[None, :]).astype(np.float32)


def series(s, d, dtype=np.float32):
    return (0.1 * np.arange(s)[:, None] - 0.0005 * np.arange(d)[None, :]).astype(dtype)


def trident_attrs(ds, encoder):
    ds.attrs["name"] = "features"
    ds.attrs["savetodir"] = "/job/20x_512px_0px_overlap/slide_features_" + encoder
    ds.attrs["encoder"] = encoder


# Trident slide features: features [D] (+ coords), h5py default layout.
with h5py.File("h5/slide_titan.h5", "w") as f:
    trident_attrs(f.create_dataset("features", data=slide(768)), "titan")
    f.create_dataset("coords", data=np.array([[0, 0], [512, 0]], dtype=np.int64))

# The same with libver='latest' (newer superblock and B-tree layout).
with h5py.File("h5/slide_titan_latest.h5", "w", libver="latest") as f:
    f.create_dataset("features", data=slide(768))

# Trident patch features: [N, D] chunked (1, D), unlimited first axis, gzip,
# with coords [N, 2] carrying Trident's attributes.
with h5py.File("h5/patches_conch.h5", "w") as f:
    ds = f.create_dataset("features", data=patches(5, 768), chunks=(1, 768), maxshape=(None, 768),
                          compression="gzip")
    trident_attrs(ds, "conch_v15")
    c = f.create_dataset("coords", data=np.arange(10, dtype=np.int64).reshape(5, 2) * 512,
                         chunks=(1, 2), maxshape=(None, 2))
    for k, v in {"patch_size": 512, "overlap": 0, "target_magnification": 20,
                 "patch_size_level0": 1024, "level0_magnification": 40}.items():
        c.attrs[k] = v

# A slide embedding stored as [1, D], as float64 and as float16.
with h5py.File("h5/slide_row.h5", "w") as f:
    f.create_dataset("features", data=slide(768)[None, :])
with h5py.File("h5/slide_float64.h5", "w") as f:
    f.create_dataset("features", data=slide(768, np.float64))
with h5py.File("h5/slide_float16.h5", "w") as f:
    f.create_dataset("features", data=slide(768, np.float16))

# Malformed: no features dataset; wrong width; NaN; 3-D; empty; integers;
# a truncated file; a file that is not HDF5.
with h5py.File("h5/no_features.h5", "w") as f:
    f.create_dataset("coords", data=np.zeros((2, 2), dtype=np.int64))
with h5py.File("h5/width512.h5", "w") as f:
    f.create_dataset("features", data=slide(512))
with h5py.File("h5/nan.h5", "w") as f:
    x = slide(768)
    x[17] = np.nan
    f.create_dataset("features", data=x)
with h5py.File("h5/rank3.h5", "w") as f:
    f.create_dataset("features", data=np.zeros((2, 3, 4), dtype=np.float32))
with h5py.File("h5/empty.h5", "w") as f:
    f.create_dataset("features", data=np.zeros((0, 768), dtype=np.float32), maxshape=(None, 768))
with h5py.File("h5/integers.h5", "w") as f:
    f.create_dataset("features", data=np.arange(768, dtype=np.int32))
# Malformed coords: fewer rows than patches; float values; shape [N, 3].
with h5py.File("h5/coords_rows.h5", "w") as f:
    f.create_dataset("features", data=patches(5, 768))
    f.create_dataset("coords", data=np.zeros((4, 2), dtype=np.int64))
with h5py.File("h5/coords_float.h5", "w") as f:
    f.create_dataset("features", data=slide(768))
    f.create_dataset("coords", data=np.zeros((2, 2), dtype=np.float32))
with h5py.File("h5/coords_shape.h5", "w") as f:
    f.create_dataset("features", data=slide(768))
    f.create_dataset("coords", data=np.zeros((2, 3), dtype=np.int64))
with open("h5/slide_titan.h5", "rb") as src, open("h5/truncated.h5", "wb") as dst:
    dst.write(src.read()[:1500])
with open("h5/not_hdf5.h5", "w") as f:
    f.write("case_id,slide_id\n")

# MedImageInsight series: [S, D] as numpy.save writes it, plus variants.
np.save("npy/series_3x1024.npy", series(3, 1024))
np.save("npy/pooled_1024.npy", series(1, 1024)[0])
np.save("npy/series_float64.npy", series(3, 1024, np.float64))
np.save("npy/series_float16.npy", series(3, 1024, np.float16))
np.save("npy/series_fortran.npy", np.asfortranarray(series(3, 1024)))
x = series(3, 1024)
x[1, 5] = np.inf
np.save("npy/series_inf.npy", x)
np.save("npy/series_3x512.npy", series(3, 512))
np.save("npy/rank3.npy", np.zeros((2, 3, 4), dtype=np.float32))
np.save("npy/integers.npy", np.arange(12, dtype=np.int64).reshape(3, 4))
np.save("npy/small_3x4.npy", series(3, 4))  # byte-compared with the Go writer
with open("npy/series_3x1024.npy", "rb") as src, open("npy/truncated.npy", "wb") as dst:
    dst.write(src.read()[:200])

# The same series saved with torch.save, as the authors' loader accepts
# (torch.load(path, weights_only=True) of one tensor): the zip format of
# torch >= 1.6, the legacy format, other dtypes, views with strides and a
# storage offset (torch.save keeps the whole storage), and malformed files.
def tseries(s, d, dtype=torch.float32):
    return torch.from_numpy(series(s, d, np.float64)).to(dtype)


torch.save(tseries(3, 1024), "pt/series_3x1024.pt")
torch.save(tseries(3, 1024), "pt/series_legacy.pt", _use_new_zipfile_serialization=False)
torch.save(tseries(3, 1024, torch.float64), "pt/series_float64.pt")
torch.save(tseries(3, 1024, torch.float16), "pt/series_float16.pt")
torch.save(tseries(3, 1024, torch.bfloat16), "pt/series_bfloat16.pt")
torch.save(tseries(3, 1024)[0].clone(), "pt/pooled_1024.pt")
torch.save(tseries(3, 1024).t().contiguous().t(), "pt/series_transposed.pt")  # strides (1, 3)
torch.save(torch.cat([torch.zeros(1, 1024), tseries(3, 1024), torch.zeros(1, 1024)])[1:4],
           "pt/series_offset.pt")  # storage offset 1024 in a storage of 5 rows
x = tseries(3, 1024)
x[1, 5] = float("inf")
torch.save(x, "pt/series_inf.pt")
torch.save(tseries(3, 512), "pt/series_3x512.pt")
torch.save(torch.zeros(2, 3, 4), "pt/rank3.pt")
torch.save(torch.zeros(0, 1024), "pt/empty.pt")
torch.save(torch.arange(12).reshape(3, 4), "pt/integers.pt")
torch.save({"features": tseries(3, 1024)}, "pt/state_dict.pt")
with open("pt/series_3x1024.pt", "rb") as src, open("pt/truncated.pt", "wb") as dst:
    dst.write(src.read()[:900])
with open("pt/not_torch.pt", "w") as f:
    f.write("case_id,slide_id\n")


def mask_array(shape, dtype):
    x, y, z = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    return ((x + 2 * y + 3 * z) % 5 == 0).astype(dtype)


def save_nifti(path, data, spacing, dtype=None, slope=None, units="mm"):
    img = nib.Nifti1Image(data, affine=np.diag(list(spacing) + [1.0]))
    img.header.set_zooms(spacing)
    img.header.set_xyzt_units(xyz=units)
    if dtype is not None:
        img.header.set_data_dtype(dtype)
    if slope is not None:
        img.header.set_slope_inter(slope, 0.0)
    nib.save(img, path)


save_nifti("nifti/mask_uint8.nii", mask_array((6, 5, 4), np.uint8), (0.8, 0.7, 2.5))
save_nifti("nifti/mask_uint8.nii.gz", mask_array((6, 5, 4), np.uint8), (0.8, 0.7, 2.5))
save_nifti("nifti/mask_int16_bigendian.nii", mask_array((6, 5, 4), np.int16) * 3, (0.8, 0.7, 2.5), dtype=">i2")
save_nifti("nifti/mask_float32_metres.nii.gz", mask_array((6, 5, 4), np.float32), (0.0008, 0.0007, 0.0025),
           units="meter")
with open("nifti/mask_uint8.nii", "rb") as src, open("nifti/truncated.nii", "wb") as dst:
    dst.write(src.read()[:400])
with open("nifti/not_nifti.nii", "wb") as f:
    f.write(b"\x00" * 400)
print("fixtures written")
