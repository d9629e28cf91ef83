# Hostile: in-place doubling (`+=`, extend, `*`) of a list.
import torch.nn as nn
s = [1]
for i in range(40):
    s += s
    s.extend(s)
    s = s * 2
