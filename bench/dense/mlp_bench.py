#!/usr/bin/env python3
"""bench/dense-bench.sh's Python side.

prepare <source.csv> <out_dir> <seed>   split 80/20 with a seeded permutation, standardize features with the
                                         training split's mean/std, write {regression,binary}_{train,valid}.csv
                                         (no header, target last; binary target = quality >= 6).
sklearn <train.csv> <valid.csv> <binary|regression> <epochs> <batch> <layers> <lr> <seed>
                                         scikit-learn MLP with the same architecture/optimizer; one JSON line.
summarize <results.jsonl>                medians and per-round ratios as a Markdown table.
"""
import json
import sys
import time
import warnings

import numpy as np


def prepare(source, out_dir, seed):
    data = np.loadtxt(source, delimiter=",")
    rng = np.random.default_rng(int(seed))
    order = rng.permutation(len(data))
    cut = int(len(data) * 0.8)
    train, valid = data[order[:cut]], data[order[cut:]]
    mean, std = train[:, :-1].mean(axis=0), train[:, :-1].std(axis=0)
    std[std == 0] = 1
    for name, part in (("train", train), ("valid", valid)):
        x = (part[:, :-1] - mean) / std
        quality = part[:, -1]
        np.savetxt(f"{out_dir}/regression_{name}.csv", np.column_stack([x, quality]), delimiter=",", fmt="%.9g")
        np.savetxt(f"{out_dir}/binary_{name}.csv", np.column_stack([x, (quality >= 6).astype(float)]), delimiter=",", fmt="%.9g")


def sklearn_run(train_path, valid_path, task, epochs, batch, layers, lr, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    train, valid = np.loadtxt(train_path, delimiter=","), np.loadtxt(valid_path, delimiter=",")
    xt, yt, xv, yv = train[:, :-1], train[:, -1], valid[:, :-1], valid[:, -1]
    common = dict(hidden_layer_sizes=tuple(int(s) for s in layers.split(",")), activation="relu", solver="adam",
                  alpha=0.0, batch_size=int(batch), learning_rate_init=float(lr), max_iter=int(epochs), shuffle=True,
                  random_state=int(seed), tol=0.0, n_iter_no_change=10 ** 9, early_stopping=False,
                  beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    model = MLPClassifier(**common) if task == "binary" else MLPRegressor(**common)
    warnings.simplefilter("ignore", ConvergenceWarning)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    model.fit(xt, yt)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if task == "binary":
        p = np.clip(model.predict_proba(xv)[:, 1], 1e-15, 1 - 1e-15)
        metric = float(np.mean(-(yv * np.log(p) + (1 - yv) * np.log(1 - p))))
        accuracy = float(np.mean((p > 0.5) == (yv == 1)))
    else:
        metric = float(np.sqrt(np.mean((model.predict(xv) - yv) ** 2)))
        accuracy = None
    print(json.dumps({"side": "sklearn", "metric": metric, "accuracy": accuracy, "wall_s": wall, "cpu_s": cpu,
                      "epochs": int(model.n_iter_)}))


def summarize(path):
    rows = [json.loads(line) for line in open(path) if line.strip().startswith("{")]
    peak = [r for r in rows if "multiply_add_flops" in r]
    runs = [r for r in rows if "side" in r]
    print("| task | side | validation metric (median) | accuracy | wall s / epoch (median) | CPU s / epoch (median) | GFLOP/s (CPU time) |")
    print("|---|---|---|---|---|---|---|")
    for task in sorted({r["task"] for r in runs}):
        for side in ("pipelinegen", "sklearn"):
            rs = [r for r in runs if r["task"] == task and r["side"] == side]
            if not rs:
                continue
            med = lambda k: float(np.median([r[k] for r in rs]))
            acc = "" if rs[0]["accuracy"] is None else f"{med('accuracy'):.4f}"
            flops = ""
            if side == "pipelinegen":
                flops = f"{np.median([(r['training_flops'] + r['eval_flops']) / r['cpu_s'] for r in rs]) / 1e9:.2f}"
            print(f"| {task} | {side} | {med('metric'):.4f} | {acc} | {med('wall_s') / rs[0]['epochs'] * 1000:.2f} ms "
                  f"| {med('cpu_s') / rs[0]['epochs'] * 1000:.2f} ms | {flops} |")
        pairs = {}
        for r in runs:
            if r["task"] == task:
                pairs.setdefault(r["round"], {})[r["side"]] = r
        for key in ("wall_s", "cpu_s"):
            ratios = [p["pipelinegen"][key] / p["sklearn"][key] for p in pairs.values() if len(p) == 2]
            if ratios:
                print(f"\n{task}: PipelineGen / scikit-learn {key} per epoch, median of {len(ratios)} rounds: "
                      f"{np.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")
    for p in peak:
        print(f"\nTensorPrimitives peak (1 thread, best block): MultiplyAdd {p['multiply_add_flops'] / 1e9:.2f} GFLOP/s, "
              f"MultiplyAdd at length 64 {p['multiply_add_64_flops'] / 1e9:.2f} GFLOP/s, Dot {p['dot_flops'] / 1e9:.2f} GFLOP/s, Vector<float> {p['vector_bits']} bits")


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    {"prepare": prepare, "sklearn": sklearn_run, "summarize": summarize}[command](*rest)
