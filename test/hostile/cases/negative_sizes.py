# Sizes PyTorch 1.13 refuses ("Trying to create tensor with negative dimension"): never a negative parameter count.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(-4)
        self.pair = nn.LayerNorm((3, -1))
        self.emb = nn.Embedding(-1, 4)
        self.fc = nn.Linear(4, -2)
        self.bn = nn.BatchNorm2d(-3)

    def forward(self, x):
        return x
