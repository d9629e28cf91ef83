# NetLens stub of timm: create_model over a small registry, the ViT family and timm.layers.
from .models import create_model, is_model, list_models
from . import layers
from . import models

__version__ = "0.9.16"
