# Hostile: a module name with a slash (PyTorch accepts it): its dump file must stay inside the dump folder.
import torch.nn as nn
# netlens: input=1,4
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.add_module("a/b", nn.Linear(4, 4))
    def forward(self, x):
        return getattr(self, "a/b")(x)
