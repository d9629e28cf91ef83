# Hostile: recursion that starts again in every finally block while the depth error unwinds.
import torch.nn as nn
def f():
    try:
        f()
    finally:
        f()
f()
