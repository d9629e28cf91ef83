# A small multi-file project: NetLens follows the relative imports between these files.
from .model import UNet
