# Hostile: terminal escape sequences in a model's names must not reach the terminal raw.
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.add_module("x\x1b]0;pwned\x07\x1b[2J", nn.Linear(10, 2))
    def forward(self, x):
        return getattr(self, "x\x1b]0;pwned\x07\x1b[2J")(x)
