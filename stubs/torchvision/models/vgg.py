# NetLens stub of torchvision.models.vgg: VGG 11/13/16/19 with and without batch norm.
import torch
import torch.nn as nn

from ._api import WeightsEnum, register_model
from ._utils import _builder_kwargs

__all__ = ["VGG", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
           "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights",
           "VGG16_BN_Weights", "VGG19_Weights", "VGG19_BN_Weights"]


class VGG11_Weights(WeightsEnum):
    pass


class VGG11_BN_Weights(WeightsEnum):
    pass


class VGG13_Weights(WeightsEnum):
    pass


class VGG13_BN_Weights(WeightsEnum):
    pass


class VGG16_Weights(WeightsEnum):
    pass


class VGG16_BN_Weights(WeightsEnum):
    pass


class VGG19_Weights(WeightsEnum):
    pass


class VGG19_BN_Weights(WeightsEnum):
    pass


class VGG(nn.Module):
    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        x = self.classifier(x)
        return x


def make_layers(cfg, batch_norm=False):
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers += [nn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            if batch_norm:
                layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
            else:
                layers += [conv2d, nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg, batch_norm, kwargs):
    kwargs = _builder_kwargs(kwargs)
    return VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)


@register_model()
def vgg11(**kwargs):
    return _vgg("A", False, kwargs)


@register_model()
def vgg11_bn(**kwargs):
    return _vgg("A", True, kwargs)


@register_model()
def vgg13(**kwargs):
    return _vgg("B", False, kwargs)


@register_model()
def vgg13_bn(**kwargs):
    return _vgg("B", True, kwargs)


@register_model()
def vgg16(**kwargs):
    return _vgg("D", False, kwargs)


@register_model()
def vgg16_bn(**kwargs):
    return _vgg("D", True, kwargs)


@register_model()
def vgg19(**kwargs):
    return _vgg("E", False, kwargs)


@register_model()
def vgg19_bn(**kwargs):
    return _vgg("E", True, kwargs)
