# A hostile model file for the editor e2e suite: structural equality of two 60-level nestings of shared lists.
import torch.nn as nn

a = [0]
b = [0]
for _ in range(60):
    a = [a, a]
    b = [b, b]
same = a == b


class Equality(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)
