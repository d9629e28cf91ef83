# NetLens stub of torchvision (0.14 layouts): the model zoo and ops building blocks, without weights or downloads.
from . import models
from . import ops
from . import utils

__version__ = "0.14.1"
