# Hostile: an endless loop (with the step budget lifted in the test, only the worker's deadline can stop it).
import torch.nn as nn
n = 0
while True:
    n += 1
