# NetLens stub of timm.models._registry (the newer path of the registry).
from .registry import generate_default_cfgs, is_model, list_models, model_entrypoint, register_model
