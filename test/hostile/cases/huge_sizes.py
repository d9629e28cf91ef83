# Sizes past int64 (TypeError in PyTorch) and storage past 2^63 bytes (RuntimeError): never an infinite count.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10**200, 10**200)
        self.wide = nn.Linear(2**40, 2**40)
        self.table = nn.Parameter(torch.zeros(2**31, 2**31))

    def forward(self, x):
        return x
