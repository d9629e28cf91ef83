# Hostile: forward() fails to trace; `run` must not report the random input as the output with exit 0.
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 2)
    def forward(self, x):
        raise ValueError("not traceable")
