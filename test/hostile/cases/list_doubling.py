# Hostile: a list that doubles 27 times (2**27 items) must stop on the step budget, not exhaust memory.
import torch.nn as nn
s = [1]
for i in range(27):
    s = s + s
