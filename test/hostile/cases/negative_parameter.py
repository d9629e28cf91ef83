# torch.randn(-3) is a RuntimeError in PyTorch: the parameter must not subtract 3 from the count.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.scale = nn.Parameter(torch.randn(-3))

    def forward(self, x):
        return self.fc(x)
