# Hostile: a module tree that doubles in size with copy.deepcopy 30 times.
import copy
import torch.nn as nn
m = nn.Linear(4, 4)
for i in range(30):
    m = nn.Sequential(copy.deepcopy(m), copy.deepcopy(m))
