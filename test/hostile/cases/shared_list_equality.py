# Hostile: nested lists sharing their parts; structural == and repr are exponential when compared naively.
import torch.nn as nn
a = [1]
b = [1]
for i in range(60):
    a = [a, a]
    b = [b, b]
same = a == b
text = str(a)
name = repr(b)


class Equality(nn.Module):
    """A model after the comparisons, so an editor shows (by its CodeLens) that the analysis got past them."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)
