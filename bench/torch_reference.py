#!/usr/bin/env python3
"""PyTorch rendering of goparachute's PARACHUTE network, for speed comparisons only.

It builds the same architecture as parachute/model (same modules, widths and
parameter count: 5,143,297 at d = 256) and times, on the fixed benchmark workload,
a training step (forward, Cox loss, backward, AdamW) and inference. The Go numbers
come from `go test -run '^$' -bench Paper ./parachute/experiment`; run both on the
same machine and compare ratios, never absolute times across machines.

Workloads (--profile): paper (default): batch 16; each patient with 8 slide embeddings
of width 768 and 4 CT series of 16 slices of width 1024; the paper-size model (d = 256).
quick: batch 32; 8 slides of width 768, 2 series of 8 slices of width 1024; the quick
profile's model (d = 32, top-k 4: 298,849 parameters), as `parachute bench --profile quick`.

Usage: python3 bench/torch_reference.py [--profile paper|quick] [--device cpu|cuda] [--threads N] [--steps N] [--json]
(Debian: python3-torch; on CPU use libopenblas0-pthread.)
"""
import argparse
import json
import math
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

D, INTER, FFN, HAZARD, HEADS, TOPK, DROP = 256, 256, 256, 256, 4, 16, 0.1
PATH_W, RAD_W = 768, 1024
B, SLIDES, SERIES, SLICES = 16, 8, 4, 16

# The model and workload of each profile (parachute/train/profiles.go,
# parachute/bench WorkloadOf): widths, heads, top-k, then the batch.
PROFILES = {
    "paper": dict(D=256, INTER=256, FFN=256, HAZARD=256, HEADS=4, TOPK=16, B=16, SLIDES=8, SERIES=4, SLICES=16),
    "quick": dict(D=32, INTER=32, FFN=32, HAZARD=32, HEADS=4, TOPK=4, B=32, SLIDES=8, SERIES=2, SLICES=8),
}


def use_profile(name):
    """Sets the module's sizes to a profile's, before any module is built."""
    globals().update(PROFILES[name])


class RadAdapter(nn.Module):
    """Two Conv1d(k=3, p=1) over slices with ReLU, dropout, LayerNorm; mean over slices."""

    def __init__(self, to_tokens):
        super().__init__()
        self.conv1 = nn.Conv1d(RAD_W, INTER, 3, padding=1)
        self.norm1 = nn.LayerNorm(INTER)
        self.conv2 = nn.Conv1d(INTER, INTER, 3, padding=1)
        self.norm2 = nn.LayerNorm(INTER)
        self.to_tokens = to_tokens
        if to_tokens:
            self.linear1 = nn.Linear(INTER, INTER)
            self.linear2 = nn.Linear(INTER, D)
            self.norm_out = nn.LayerNorm(D)

    def forward(self, x):  # [B, K, S, W]
        b, k, s, w = x.shape
        x = x.reshape(b * k, s, w).transpose(1, 2)
        x = F.dropout(F.relu(self.conv1(x)), DROP, self.training)
        x = self.norm1(x.transpose(1, 2)).transpose(1, 2)
        x = F.dropout(F.relu(self.conv2(x)), DROP, self.training)
        x = self.norm2(x.transpose(1, 2)).mean(1)
        if self.to_tokens:
            x = self.norm_out(self.linear2(F.dropout(F.gelu(self.linear1(x)), DROP, self.training)))
        return x.reshape(b, k, -1)


class Block(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.ln = nn.LayerNorm(width)
        self.linear = nn.Linear(width, width)

    def forward(self, x):
        return self.linear(F.dropout(F.gelu(self.ln(x)), DROP, self.training))


class HistoAdapter(nn.Module):
    def __init__(self, out):
        super().__init__()
        self.input = nn.Linear(PATH_W, INTER)
        self.res1, self.res2 = Block(INTER), Block(INTER)
        self.out_ln, self.out = nn.LayerNorm(INTER), nn.Linear(INTER, out)
        self.res3 = Block(out)
        self.norm_out = nn.LayerNorm(out)

    def forward(self, x):
        x = self.input(x)
        x = x + self.res1(x)
        x = x + self.res2(x)
        x = self.out(F.dropout(F.gelu(self.out_ln(x)), DROP, self.training))
        x = x + self.res3(x)
        return self.norm_out(x)


class Projection(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1, self.linear2, self.norm = nn.Linear(INTER, D), nn.Linear(D, D), nn.LayerNorm(D)

    def forward(self, x):
        return self.norm(self.linear2(F.dropout(F.gelu(self.linear1(x)), DROP, self.training)))


class CrossBlock(nn.Module):
    """Pre-LN multi-head cross-attention (scale 1/sqrt(d/h)) and feed-forward."""

    def __init__(self):
        super().__init__()
        self.nq, self.nk, self.nv = nn.LayerNorm(D), nn.LayerNorm(D), nn.LayerNorm(D)
        self.mha = nn.MultiheadAttention(D, HEADS, dropout=DROP, batch_first=True)
        self.nf, self.f1, self.f2 = nn.LayerNorm(D), nn.Linear(D, FFN), nn.Linear(FFN, D)

    def forward(self, q, k, v, key_mask):  # key_mask True = valid
        att, _ = self.mha(self.nq(q), self.nk(k), self.nv(v), key_padding_mask=~key_mask, need_weights=False)
        x = q + att
        h = F.dropout(F.relu(self.f1(self.nf(x))), DROP, self.training)
        return x + F.dropout(self.f2(h), DROP, self.training)


def masked_mean(x, mask):
    w = mask.to(x.dtype).unsqueeze(-1)
    return (x * w).sum(1) / w.sum(1).clamp(min=1)


class Parachute(nn.Module):
    def __init__(self):
        super().__init__()
        self.rad_ctx, self.rad_tok = RadAdapter(False), RadAdapter(True)
        self.histo_ctx, self.histo_tok = HistoAdapter(INTER), HistoAdapter(D)
        self.pe_rad, self.pe_histo = Projection(), Projection()
        self.dce = nn.Linear(2 * D, D)
        self.miss_rad_ctx = nn.Parameter(torch.randn(INTER))
        self.miss_histo_ctx = nn.Parameter(torch.randn(INTER))
        self.miss_rad_tok = nn.Parameter(torch.randn(D))
        self.miss_histo_tok = nn.Parameter(torch.randn(D))
        self.miss_context = nn.Parameter(torch.zeros(D))
        self.blocks = nn.ModuleList([CrossBlock() for _ in range(4)])
        self.norm_pooled, self.norm_context = nn.LayerNorm(D), nn.LayerNorm(D)
        self.hazard = nn.Sequential(nn.Linear(D, HAZARD), nn.ReLU(), nn.Dropout(DROP),
                                    nn.Linear(HAZARD, D), nn.ReLU(), nn.Dropout(DROP), nn.Linear(D, 1))

    def forward(self, slides, slide_mask, series, series_mask):
        has_h, has_r = slide_mask.any(1), series_mask.any(1)
        any_missing = ~(has_h & has_r)
        rad_ctx = torch.where(has_r[:, None], masked_mean(self.rad_ctx(series), series_mask), self.miss_rad_ctx)
        histo_ctx = torch.where(has_h[:, None], masked_mean(self.histo_ctx(slides), slide_mask), self.miss_histo_ctx)
        a = F.normalize(self.pe_rad(rad_ctx), dim=-1)
        b = F.normalize(self.pe_histo(histo_ctx), dim=-1)
        sim = a.unsqueeze(2) * b.unsqueeze(1)  # [B, d, d], as the authors' code
        pos = sim.topk(TOPK, dim=-1).values.mean(-1)
        neg = (-sim).topk(TOPK, dim=-1).values.mean(-1)
        pe = self.dce(torch.cat([pos, neg], -1)) + any_missing[:, None].to(a.dtype) * self.miss_context
        rad_tok, histo_tok = self.rad_tok(series), self.histo_tok(slides)
        first_r = torch.zeros_like(series_mask)
        first_r[:, 0] = True
        first_h = torch.zeros_like(slide_mask)
        first_h[:, 0] = True
        rad_tok = torch.where(has_r[:, None, None], rad_tok, self.miss_rad_tok)
        histo_tok = torch.where(has_h[:, None, None], histo_tok, self.miss_histo_tok)
        rmask = torch.where(has_r[:, None], series_mask, first_r)
        hmask = torch.where(has_h[:, None], slide_mask, first_h)
        f1 = self.blocks[0](rad_tok, histo_tok, histo_tok + torch.sigmoid(pe)[:, None], hmask)
        f2 = self.blocks[1](rad_tok, histo_tok, histo_tok, hmask)
        f3 = self.blocks[2](histo_tok, rad_tok, rad_tok, rmask)
        f4 = self.blocks[3](f3, f2, f1, rmask)
        fused = self.norm_pooled(masked_mean(f4, hmask)) + self.norm_context(pe)
        return self.hazard(fused).squeeze(-1)


def cox_loss(eta, time, event):
    risk = (time[None, :] >= time[:, None]).to(eta.dtype)
    m = eta.max().detach()
    log_risk = torch.log((torch.exp(eta - m)[None, :] * risk).sum(1)) + m
    return -((eta - log_risk) * event).sum() / eta.shape[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--profile", default="paper", choices=sorted(PROFILES))
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: PyTorch's default)")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--tf32", action="store_true",
                   help="allow TF32 matrix products on CUDA (XLA's default precision for float32 on GPUs; PyTorch's is full float32)")
    a = p.parse_args()
    use_profile(a.profile)
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.manual_seed(0)
    dev = torch.device(a.device)
    model = Parachute().to(dev)
    params = sum(x.numel() for x in model.parameters() if x.requires_grad)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-3, weight_decay=0.01)
    slides = torch.randn(B, SLIDES, PATH_W, device=dev)
    series = torch.randn(B, SERIES, SLICES, RAD_W, device=dev)
    slide_mask = torch.ones(B, SLIDES, dtype=torch.bool, device=dev)
    series_mask = torch.ones(B, SERIES, dtype=torch.bool, device=dev)
    time_ = torch.rand(B, device=dev) * 1000 + 1
    event = (torch.rand(B, device=dev) < 0.7).to(torch.float32)

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    model.train()
    step_ms = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = cox_loss(model(slides, slide_mask, series, series_mask), time_, event)
        loss.backward()
        opt.step()
        sync()
        if i >= a.warmup:
            step_ms.append((time.perf_counter() - t0) * 1000)
    model.eval()
    inf_s = []
    with torch.no_grad():
        for i in range(a.warmup + a.steps):
            t0 = time.perf_counter()
            model(slides, slide_mask, series, series_mask)
            sync()
            if i >= a.warmup:
                inf_s.append(time.perf_counter() - t0)
    peak = {}
    if dev.type == "cuda":
        peak["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20
        peak["gpu"] = torch.cuda.get_device_name()
    peak["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = {"framework": "pytorch", "torch": torch.__version__, "profile": a.profile, "device": a.device, "tf32": a.tf32, **peak,
           "threads": torch.get_num_threads(), "params": params,
           "train_step_ms_median": statistics.median(step_ms),
           "inference_patients_per_s": B / statistics.median(inf_s),
           "workload": f"batch {B}; {SLIDES} slides x {PATH_W}; {SERIES} series x {SLICES} slices x {RAD_W}"}
    print(json.dumps(out) if a.json else "\n".join(f"{k}: {v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
