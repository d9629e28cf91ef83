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
