# Hostile: a module tree that doubles its calls 22 times through a native container.
import torch.nn as nn
m = nn.Linear(4, 4)
for i in range(22):
    m = nn.Sequential(m, m)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = m
    def forward(self, x):
        return self.body(x)
