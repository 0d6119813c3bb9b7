#!/usr/bin/env python3
"""Reference values for package parachute/interpret: marching-cubes surface
area and mesh volume of binary masks by scikit-image (an implementation
independent of ours), for the masks defined below.

Run from parachute/interpret/testdata:   python3 gen/morphology.py
Needs Debian python3-skimage and python3-numpy. go test never runs this script.

Each mask is written into the JSON (run lengths of its voxels, x fastest:
index x + Nx (y + Ny z), starting with a run of zeros), so the Go test reads
exactly the voxels scikit-image measured. Every mask is padded with one layer
of zeros before marching cubes at level 0.5, as pyradiomics does; the mesh
volume is |sum over faces of a . (b x c)| / 6.
"""
import json
import datetime

import numpy as np
import skimage
from skimage.measure import marching_cubes, mesh_surface_area


def ellipsoid(semi, spacing):
    dims = [int(np.ceil(2 * s / d)) + 2 for s, d in zip(semi, spacing)]
    idx = np.indices(dims).astype(float)
    s = np.zeros(dims)
    for k in range(3):
        s += (((idx[k] - (dims[k] - 1) / 2) * spacing[k]) / semi[k]) ** 2
    return (s <= 1).astype(np.uint8)


def blob(seed):
    # a union of spheres at random centres: an irregular lobulated shape
    rng = np.random.default_rng(seed)
    dims = (28, 24, 20)
    idx = np.indices(dims).astype(float)
    m = np.zeros(dims, dtype=bool)
    for _ in range(6):
        c = rng.uniform([8, 7, 6], [20, 17, 14])
        r = rng.uniform(3, 6)
        m |= ((idx[0] - c[0]) ** 2 + (idx[1] - c[1]) ** 2 + (idx[2] - c[2]) ** 2) <= r * r
    return m.astype(np.uint8)


def runs(mask):
    flat = mask.flatten(order="F")
    out, cur, n = [], 0, 0
    for v in flat:
        if v != cur:
            out.append(n)
            cur, n = v, 0
        n += 1
    out.append(n)
    return out


def case(name, mask, spacing):
    padded = np.pad(mask, 1)
    res = {"name": name, "dims": list(mask.shape), "spacing": list(spacing), "runs": runs(mask),
           "voxels": int(mask.sum())}
    for method in ("lewiner", "lorensen"):
        verts, faces, _, _ = marching_cubes(padded.astype(float), level=0.5, spacing=spacing, method=method)
        a, b, c = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
        res[method] = {"surface_mm2": float(mesh_surface_area(verts, faces)),
                       "mesh_volume_mm3": float(abs(np.einsum("ij,ij->i", a, np.cross(b, c)).sum()) / 6),
                       "triangles": int(len(faces))}
    return res


diag = np.zeros((2, 2, 1), dtype=np.uint8)
diag[0, 0, 0] = diag[1, 1, 0] = 1
ell = np.zeros((3, 3, 3), dtype=np.uint8)
ell[0, :, 0] = 1
ell[:, 2, 0] = 1
ell[2, 2, :] = 1
cases = [
    case("single voxel", np.ones((1, 1, 1), dtype=np.uint8), (1.0, 1.0, 1.0)),
    case("two voxels on a face diagonal (an ambiguous face)", diag, (1.0, 1.0, 1.0)),
    case("bent rod", ell, (0.8, 1.1, 2.0)),
    case("block 4x3x2", np.ones((4, 3, 2), dtype=np.uint8), (1.0, 1.0, 1.0)),
    case("sphere r = 8 voxels", ellipsoid((8, 8, 8), (1.0, 1.0, 1.0)), (1.0, 1.0, 1.0)),
    case("ellipsoid 10 x 7 x 12 mm, spacing 0.8 x 0.8 x 2.5", ellipsoid((10, 7, 12), (0.8, 0.8, 2.5)), (0.8, 0.8, 2.5)),
    case("lobulated blob", blob(20261202), (0.9, 0.9, 1.5)),
]
out = {
    "header": {"tool": "scikit-image", "tool_version": {"skimage": skimage.__version__, "numpy": np.__version__},
               "call": {"mesh": "skimage.measure.marching_cubes(np.pad(mask, 1), level=0.5, spacing=spacing, method=...)",
                        "area": "skimage.measure.mesh_surface_area(verts, faces)"},
               "dataset": {"name": "generated", "source": "masks defined in this script; voxels in this file"},
               "convention_notes": "x fastest; one layer of zero padding; level 0.5; volume |sum a.(b x c)|/6",
               "generator": "parachute/interpret/testdata/gen/morphology.py", "date": datetime.date.today().isoformat()},
    "cases": cases,
}
with open("reference/morphology.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
