# NetLens stub of timm's ResNet names: the torchvision-layout ResNet (same parameters as timm's resnet18-152 and
# resnext50_32x4d at their defaults; timm's module names differ only in the stem).
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet
from .registry import register_model


def _drop_timm_kwargs(kwargs):
    for unused in ("pretrained_cfg", "pretrained_cfg_overlay", "checkpoint_path", "drop_rate", "drop_path_rate",
                   "in_chans", "global_pool"):
        kwargs.pop(unused, None)
    return kwargs


@register_model
def resnet18(pretrained=False, **kwargs):
    return ResNet(BasicBlock, [2, 2, 2, 2], **_drop_timm_kwargs(kwargs))


@register_model
def resnet34(pretrained=False, **kwargs):
    return ResNet(BasicBlock, [3, 4, 6, 3], **_drop_timm_kwargs(kwargs))


@register_model
def resnet50(pretrained=False, **kwargs):
    return ResNet(Bottleneck, [3, 4, 6, 3], **_drop_timm_kwargs(kwargs))


@register_model
def resnet101(pretrained=False, **kwargs):
    return ResNet(Bottleneck, [3, 4, 23, 3], **_drop_timm_kwargs(kwargs))


@register_model
def resnet152(pretrained=False, **kwargs):
    return ResNet(Bottleneck, [3, 8, 36, 3], **_drop_timm_kwargs(kwargs))


@register_model
def resnext50_32x4d(pretrained=False, **kwargs):
    return ResNet(Bottleneck, [3, 4, 6, 3], groups=32, width_per_group=4, **_drop_timm_kwargs(kwargs))
