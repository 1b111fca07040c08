"""PyTorch-eager side of the Fashion-MNIST demo's training speed (docs/benchmarks.md section 8).

Trains the demo's FashionNet (conv 16-32-64 with batch norm, max-pooling, Linear 3136 -> 10; channels-last) on
Debian's Fashion-MNIST with AdamW and a one-cycle learning rate, batch 128, and prints the test accuracy and the
seconds spent training after each epoch.

    /usr/bin/python3 benchmarks/fashion_mnist_train.py --epochs 1 --train-samples 12800
"""
import argparse
import gzip
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--dataset", default="/usr/share/datasets/fashion-mnist/")
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--train-samples", type=int, default=60000)
parser.add_argument("--batch", type=int, default=128)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()
torch.set_num_threads(args.threads)


def read(name, offset, shape):
    data = gzip.open(args.dataset + name).read()
    return np.frombuffer(data, np.uint8, offset=offset).reshape(shape)


train_x = torch.tensor(read("train-images-idx3-ubyte.gz", 16, (-1, 1, 28, 28)).astype(np.float32) / 255)
train_y = torch.tensor(read("train-labels-idx1-ubyte.gz", 8, (-1,)).astype(np.int64))
test_x = torch.tensor(read("t10k-images-idx3-ubyte.gz", 16, (-1, 1, 28, 28)).astype(np.float32) / 255)
test_y = torch.tensor(read("t10k-labels-idx1-ubyte.gz", 8, (-1,)).astype(np.int64))
mean, std = train_x.mean(), train_x.std()
train_x, test_x = (train_x - mean) / std, (test_x - mean) / std

torch.manual_seed(0)
model = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
    nn.Flatten(), nn.Linear(64 * 49, 10)).to(memory_format=torch.channels_last)
per_epoch = min(args.train_samples, len(train_y)) // args.batch
optimizer = torch.optim.AdamW(model.parameters(), lr=0.004, weight_decay=5e-4)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.004, total_steps=args.epochs * per_epoch)
elapsed = 0.0
for epoch in range(args.epochs):
    model.train()
    order = torch.randperm(len(train_y))
    start = time.perf_counter()
    for step in range(per_epoch):
        index = order[step * args.batch:(step + 1) * args.batch]
        loss = F.cross_entropy(model(train_x[index].contiguous(memory_format=torch.channels_last)), train_y[index])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
    elapsed += time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
    print(f"epoch {epoch + 1}: {per_epoch} steps, test accuracy {accuracy:.4f}, training {elapsed:.1f} s", flush=True)
