# Hostile: module names that would write outside the dump folder (PyTorch refuses a '.' in a module name).
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.add_module("../../escaped", nn.Linear(4, 4))
    def forward(self, x):
        return x
