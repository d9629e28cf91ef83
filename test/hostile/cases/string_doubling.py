# Hostile: a string that doubles until it is gigabytes long.
import torch.nn as nn
s = "x"
for i in range(40):
    s = s + s
