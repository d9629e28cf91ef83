# NetLens stub of torchvision.models.regnet: RegNet X/Y (a few sizes) with torchvision's module names.
import math
from collections import OrderedDict
from functools import partial

import torch
from torch import nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ._api import WeightsEnum, register_model
from ._utils import _builder_kwargs, _make_divisible

__all__ = ["RegNet", "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf",
           "regnet_x_400mf", "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf",
           "RegNet_Y_400MF_Weights", "RegNet_Y_800MF_Weights", "RegNet_X_400MF_Weights", "RegNet_X_800MF_Weights"]


class RegNet_Y_400MF_Weights(WeightsEnum):
    pass


class RegNet_Y_800MF_Weights(WeightsEnum):
    pass


class RegNet_X_400MF_Weights(WeightsEnum):
    pass


class RegNet_X_800MF_Weights(WeightsEnum):
    pass


class SimpleStemIN(Conv2dNormActivation):
    def __init__(self, width_in, width_out, norm_layer, activation_layer):
        super().__init__(width_in, width_out, kernel_size=3, stride=2, norm_layer=norm_layer,
                         activation_layer=activation_layer)


class BottleneckTransform(nn.Sequential):
    def __init__(self, width_in, width_out, stride, norm_layer, activation_layer, group_width, bottleneck_multiplier,
                 se_ratio):
        layers = OrderedDict()
        w_b = int(round(width_out * bottleneck_multiplier))
        g = w_b // group_width
        layers["a"] = Conv2dNormActivation(width_in, w_b, kernel_size=1, stride=1, norm_layer=norm_layer,
                                           activation_layer=activation_layer)
        layers["b"] = Conv2dNormActivation(w_b, w_b, kernel_size=3, stride=stride, groups=g, norm_layer=norm_layer,
                                           activation_layer=activation_layer)
        if se_ratio:
            width_se_out = int(round(se_ratio * width_in))
            layers["se"] = SqueezeExcitation(input_channels=w_b, squeeze_channels=width_se_out,
                                             activation=activation_layer)
        layers["c"] = Conv2dNormActivation(w_b, width_out, kernel_size=1, stride=1, norm_layer=norm_layer,
                                           activation_layer=None)
        super().__init__(layers)


class ResBottleneckBlock(nn.Module):
    def __init__(self, width_in, width_out, stride, norm_layer, activation_layer, group_width=1,
                 bottleneck_multiplier=1.0, se_ratio=None):
        super().__init__()
        self.proj = None
        should_proj = (width_in != width_out) or (stride != 1)
        if should_proj:
            self.proj = Conv2dNormActivation(width_in, width_out, kernel_size=1, stride=stride,
                                             norm_layer=norm_layer, activation_layer=None)
        self.f = BottleneckTransform(width_in, width_out, stride, norm_layer, activation_layer, group_width,
                                     bottleneck_multiplier, se_ratio)
        self.activation = activation_layer(inplace=True)

    def forward(self, x):
        if self.proj is not None:
            x = self.proj(x) + self.f(x)
        else:
            x = x + self.f(x)
        return self.activation(x)


class AnyStage(nn.Sequential):
    def __init__(self, width_in, width_out, stride, depth, block_constructor, norm_layer, activation_layer,
                 group_width, bottleneck_multiplier, se_ratio=None, stage_index=0):
        super().__init__()
        for i in range(depth):
            block = block_constructor(width_in if i == 0 else width_out, width_out, stride if i == 0 else 1,
                                      norm_layer, activation_layer, group_width, bottleneck_multiplier, se_ratio)
            self.add_module("block" + str(stage_index) + "-" + str(i), block)


class BlockParams:
    def __init__(self, depths, widths, group_widths, bottleneck_multipliers, strides, se_ratio=None):
        self.depths = depths
        self.widths = widths
        self.group_widths = group_widths
        self.bottleneck_multipliers = bottleneck_multipliers
        self.strides = strides
        self.se_ratio = se_ratio

    @classmethod
    def from_init_params(cls, depth, w_0, w_a, w_m, group_width, bottleneck_multiplier=1.0, se_ratio=None,
                         **kwargs):
        QUANT = 8
        STRIDE = 2
        # Per-block widths w_0 + w_a * i, quantised to powers of w_m, then grouped into stages of equal width.
        block_widths = []
        for i in range(depth):
            u = w_0 + w_a * i
            s = round(math.log(u / w_0) / math.log(w_m))
            block_widths.append(int(round(w_0 * math.pow(w_m, s) / QUANT)) * QUANT)
        stage_widths = []
        stage_depths = []
        for w in block_widths:
            if stage_widths and stage_widths[-1] == w:
                stage_depths[-1] += 1
            else:
                stage_widths.append(w)
                stage_depths.append(1)
        num_stages = len(stage_widths)
        strides = [STRIDE] * num_stages
        bottleneck_multipliers = [bottleneck_multiplier] * num_stages
        group_widths = [group_width] * num_stages
        stage_widths, group_widths = cls._adjust_widths_groups_compatibilty(stage_widths, bottleneck_multipliers,
                                                                            group_widths)
        return cls(stage_depths, stage_widths, group_widths, bottleneck_multipliers, strides, se_ratio)

    def _get_expanded_params(self):
        return zip(self.widths, self.strides, self.depths, self.group_widths, self.bottleneck_multipliers)

    @staticmethod
    def _adjust_widths_groups_compatibilty(stage_widths, bottleneck_ratios, group_widths):
        widths = [int(w * b) for w, b in zip(stage_widths, bottleneck_ratios)]
        group_widths_min = [min(g, w_bot) for g, w_bot in zip(group_widths, widths)]
        ws_bot = [_make_divisible(w_bot, g) for w_bot, g in zip(widths, group_widths_min)]
        stage_widths = [int(w_bot / b) for w_bot, b in zip(ws_bot, bottleneck_ratios)]
        return stage_widths, group_widths_min


class RegNet(nn.Module):
    def __init__(self, block_params, num_classes=1000, stem_width=32, stem_type=None, block_type=None,
                 norm_layer=None, activation=None):
        super().__init__()
        if stem_type is None:
            stem_type = SimpleStemIN
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if block_type is None:
            block_type = ResBottleneckBlock
        if activation is None:
            activation = nn.ReLU
        self.stem = stem_type(3, stem_width, norm_layer, activation)
        current_width = stem_width
        blocks = []
        for i, (width_out, stride, depth, group_width, bottleneck_multiplier) in enumerate(block_params._get_expanded_params()):
            blocks.append(("block" + str(i + 1), AnyStage(current_width, width_out, stride, depth, block_type,
                                                          norm_layer, activation, group_width, bottleneck_multiplier,
                                                          block_params.se_ratio, stage_index=i + 1)))
            current_width = width_out
        self.trunk_output = nn.Sequential(OrderedDict(blocks))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=current_width, out_features=num_classes)

    def forward(self, x):
        x = self.stem(x)
        x = self.trunk_output(x)
        x = self.avgpool(x)
        x = x.flatten(start_dim=1)
        x = self.fc(x)
        return x


def _regnet(block_params, kwargs):
    kwargs = _builder_kwargs(kwargs)
    norm_layer = kwargs.pop("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
    return RegNet(block_params, norm_layer=norm_layer, **kwargs)


@register_model()
def regnet_y_400mf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=16, w_0=48, w_a=27.89, w_m=2.09, group_width=8, se_ratio=0.25), kwargs)


@register_model()
def regnet_y_800mf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=14, w_0=56, w_a=38.84, w_m=2.4, group_width=16, se_ratio=0.25), kwargs)


@register_model()
def regnet_y_1_6gf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=27, w_0=48, w_a=20.71, w_m=2.65, group_width=24, se_ratio=0.25), kwargs)


@register_model()
def regnet_y_3_2gf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=21, w_0=80, w_a=42.63, w_m=2.66, group_width=24, se_ratio=0.25), kwargs)


@register_model()
def regnet_y_8gf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=17, w_0=192, w_a=76.82, w_m=2.19, group_width=56, se_ratio=0.25), kwargs)


@register_model()
def regnet_x_400mf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=22, w_0=24, w_a=24.48, w_m=2.54, group_width=16), kwargs)


@register_model()
def regnet_x_800mf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=16, w_0=56, w_a=35.73, w_m=2.28, group_width=16), kwargs)


@register_model()
def regnet_x_1_6gf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=18, w_0=80, w_a=34.01, w_m=2.25, group_width=24), kwargs)


@register_model()
def regnet_x_3_2gf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=25, w_0=88, w_a=26.31, w_m=2.25, group_width=48), kwargs)


@register_model()
def regnet_x_8gf(**kwargs):
    return _regnet(BlockParams.from_init_params(depth=23, w_0=80, w_a=49.56, w_m=2.88, group_width=120), kwargs)
