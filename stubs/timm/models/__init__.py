# NetLens stub of timm.models: the registry, the ViT/DeiT family, ConvNeXt and a few ResNets.
from . import layers
from .registry import is_model, list_models, model_entrypoint, register_model
from .vision_transformer import VisionTransformer
from . import vision_transformer
from . import resnet
from . import convnext
from .convnext import ConvNeXt


def create_model(model_name, pretrained=False, pretrained_cfg=None, checkpoint_path="", num_classes=None, **kwargs):
    name = model_name.split(":")[-1].split(".")[0]
    if num_classes is not None:
        kwargs["num_classes"] = num_classes
    return model_entrypoint(name)(**kwargs)
