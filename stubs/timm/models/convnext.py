# NetLens stub of timm.models.convnext: ConvNeXt with timm's module layout (stem, stages.N.downsample/blocks,
# blocks with conv_dw, norm, mlp.fc1/fc2 and gamma, head.norm/head.fc) and its named sizes atto to xlarge.
import torch
import torch.nn as nn
import torch.nn.functional as F

from ..layers.drop import DropPath
from ..layers.mlp import Mlp
from ..layers.norm import LayerNorm2d
from .registry import register_model


class ConvMlp(nn.Module):
    """The 1x1-convolution MLP of conv_mlp blocks (fc1, norm, act, drop, fc2 over N x C x H x W)."""

    def __init__(self, in_features, hidden_features=None, out_features=None, act_layer=nn.GELU, norm_layer=None,
                 bias=True, drop=0.0):
        super().__init__()
        out_features = out_features or in_features
        hidden_features = hidden_features or in_features
        self.fc1 = nn.Conv2d(in_features, hidden_features, kernel_size=1, bias=bias)
        self.norm = norm_layer(hidden_features) if norm_layer else nn.Identity()
        self.act = act_layer()
        self.drop = nn.Dropout(drop)
        self.fc2 = nn.Conv2d(hidden_features, out_features, kernel_size=1, bias=bias)

    def forward(self, x):
        x = self.fc1(x)
        x = self.norm(x)
        x = self.act(x)
        x = self.drop(x)
        return self.fc2(x)


class ConvNeXtBlock(nn.Module):
    def __init__(self, in_chs, out_chs=None, kernel_size=7, stride=1, dilation=1, mlp_ratio=4, conv_mlp=False,
                 conv_bias=True, use_grn=False, ls_init_value=1e-6, act_layer=nn.GELU, norm_layer=None, drop_path=0.0):
        super().__init__()
        out_chs = out_chs or in_chs
        self.use_conv_mlp = conv_mlp
        if norm_layer is None:
            norm_layer = LayerNorm2d if conv_mlp else nn.LayerNorm
        padding = ((stride - 1) + dilation * (kernel_size - 1)) // 2
        self.conv_dw = nn.Conv2d(in_chs, out_chs, kernel_size, stride=stride, padding=padding, dilation=dilation,
                                 groups=in_chs, bias=conv_bias)
        self.norm = norm_layer(out_chs, eps=1e-6)
        mlp_layer = ConvMlp if conv_mlp else Mlp
        self.mlp = mlp_layer(out_chs, int(mlp_ratio * out_chs), act_layer=act_layer)
        self.gamma = nn.Parameter(ls_init_value * torch.ones(out_chs)) if ls_init_value is not None else None
        if in_chs != out_chs or stride != 1 or dilation != 1:
            self.shortcut = nn.Sequential(nn.AvgPool2d(stride, stride) if stride > 1 else nn.Identity(),
                                          nn.Conv2d(in_chs, out_chs, 1, bias=conv_bias))
        else:
            self.shortcut = nn.Identity()
        self.drop_path = DropPath(drop_path) if drop_path > 0.0 else nn.Identity()

    def forward(self, x):
        shortcut = x
        x = self.conv_dw(x)
        if self.use_conv_mlp:
            x = self.norm(x)
            x = self.mlp(x)
        else:
            x = x.permute(0, 2, 3, 1)
            x = self.norm(x)
            x = self.mlp(x)
            x = x.permute(0, 3, 1, 2)
        if self.gamma is not None:
            x = x.mul(self.gamma.reshape(1, -1, 1, 1))
        return self.drop_path(x) + self.shortcut(shortcut)


class ConvNeXtStage(nn.Module):
    def __init__(self, in_chs, out_chs, kernel_size=7, stride=2, depth=2, drop_path_rates=None, ls_init_value=1.0,
                 conv_mlp=False, conv_bias=True, use_grn=False, act_layer=nn.GELU, norm_layer=None, norm_layer_cl=None):
        super().__init__()
        if in_chs != out_chs or stride > 1:
            self.downsample = nn.Sequential(norm_layer(in_chs),
                                            nn.Conv2d(in_chs, out_chs, kernel_size=stride, stride=stride, bias=conv_bias))
            in_chs = out_chs
        else:
            self.downsample = nn.Identity()
        drop_path_rates = drop_path_rates or [0.0] * depth
        self.blocks = nn.Sequential(*[
            ConvNeXtBlock(in_chs, out_chs, kernel_size=kernel_size, drop_path=drop_path_rates[i], ls_init_value=ls_init_value,
                          conv_mlp=conv_mlp, conv_bias=conv_bias, act_layer=act_layer,
                          norm_layer=norm_layer if conv_mlp else norm_layer_cl)
            for i in range(depth)])

    def forward(self, x):
        return self.blocks(self.downsample(x))


class ConvNeXt(nn.Module):
    def __init__(self, in_chans=3, num_classes=1000, global_pool="avg", output_stride=32, depths=(3, 3, 9, 3),
                 dims=(96, 192, 384, 768), kernel_sizes=7, ls_init_value=1e-6, stem_type="patch", patch_size=4,
                 head_init_scale=1.0, head_norm_first=False, head_hidden_size=None, conv_mlp=False, conv_bias=True,
                 use_grn=False, act_layer="gelu", norm_layer=None, norm_eps=None, drop_rate=0.0, drop_path_rate=0.0,
                 **kwargs):
        super().__init__()
        self.num_classes = num_classes
        self.drop_rate = drop_rate
        act = nn.GELU if act_layer in ("gelu", None) else act_layer
        norm2d = LayerNorm2d
        norm_cl = nn.LayerNorm if not conv_mlp else LayerNorm2d
        if not isinstance(kernel_sizes, (list, tuple)):
            kernel_sizes = [kernel_sizes] * 4
        self.stem = nn.Sequential(nn.Conv2d(in_chans, dims[0], kernel_size=patch_size, stride=patch_size, bias=conv_bias),
                                  norm2d(dims[0]))
        stages = []
        prev = dims[0]
        for i in range(4):
            stages.append(ConvNeXtStage(prev, dims[i], kernel_size=kernel_sizes[i], stride=2 if i > 0 else 1, depth=depths[i],
                                        ls_init_value=ls_init_value, conv_mlp=conv_mlp, conv_bias=conv_bias, act_layer=act,
                                        norm_layer=norm2d, norm_layer_cl=norm_cl))
            prev = dims[i]
        self.stages = nn.Sequential(*stages)
        self.num_features = self.head_hidden_size = prev
        self.norm_pre = norm2d(prev) if head_norm_first else nn.Identity()
        self.head = NormMlpClassifierHead(prev, num_classes, hidden_size=head_hidden_size, pool_type=global_pool,
                                          drop_rate=drop_rate, norm_layer=None if head_norm_first else norm2d, act_layer="gelu")

    def forward_features(self, x):
        x = self.stem(x)
        x = self.stages(x)
        return self.norm_pre(x)

    def forward_head(self, x, pre_logits=False):
        return self.head(x, pre_logits=pre_logits)

    def forward(self, x):
        return self.forward_head(self.forward_features(x))


class NormMlpClassifierHead(nn.Module):
    """Pool, norm, flatten, optional hidden layer (pre_logits.fc + tanh), dropout, fc."""

    def __init__(self, in_features, num_classes, hidden_size=None, pool_type="avg", drop_rate=0.0, norm_layer=LayerNorm2d,
                 act_layer="tanh"):
        super().__init__()
        self.pool_type = pool_type
        self.norm = norm_layer(in_features) if norm_layer else nn.Identity()
        self.flatten = nn.Flatten(1)
        if hidden_size:
            self.pre_logits = nn.Sequential()
            self.pre_logits.add_module("fc", nn.Linear(in_features, hidden_size))
            self.pre_logits.add_module("act", nn.Tanh())
            in_features = hidden_size
        else:
            self.pre_logits = nn.Identity()
        self.drop = nn.Dropout(drop_rate)
        self.fc = nn.Linear(in_features, num_classes) if num_classes > 0 else nn.Identity()

    def forward(self, x, pre_logits=False):
        if self.pool_type == "max":
            x = F.adaptive_max_pool2d(x, 1)
        elif self.pool_type:
            x = F.adaptive_avg_pool2d(x, 1)
        x = self.norm(x)
        x = self.flatten(x)
        x = self.pre_logits(x)
        x = self.drop(x)
        return x if pre_logits else self.fc(x)


def _convnext(depths, dims, kwargs, **defaults):
    for unused in ("pretrained_cfg", "pretrained_cfg_overlay", "checkpoint_path", "features_only"):
        kwargs.pop(unused, None)
    return ConvNeXt(depths=depths, dims=dims, **dict(defaults, **kwargs))


@register_model
def convnext_atto(pretrained=False, **kwargs):
    return _convnext((2, 2, 6, 2), (40, 80, 160, 320), kwargs, conv_mlp=True)


@register_model
def convnext_femto(pretrained=False, **kwargs):
    return _convnext((2, 2, 6, 2), (48, 96, 192, 384), kwargs, conv_mlp=True)


@register_model
def convnext_pico(pretrained=False, **kwargs):
    return _convnext((2, 2, 6, 2), (64, 128, 256, 512), kwargs, conv_mlp=True)


@register_model
def convnext_nano(pretrained=False, **kwargs):
    return _convnext((2, 2, 8, 2), (80, 160, 320, 640), kwargs, conv_mlp=True)


@register_model
def convnext_tiny(pretrained=False, **kwargs):
    return _convnext((3, 3, 9, 3), (96, 192, 384, 768), kwargs)


@register_model
def convnext_small(pretrained=False, **kwargs):
    return _convnext((3, 3, 27, 3), (96, 192, 384, 768), kwargs)


@register_model
def convnext_base(pretrained=False, **kwargs):
    return _convnext((3, 3, 27, 3), (128, 256, 512, 1024), kwargs)


@register_model
def convnext_large(pretrained=False, **kwargs):
    return _convnext((3, 3, 27, 3), (192, 384, 768, 1536), kwargs)


@register_model
def convnext_xlarge(pretrained=False, **kwargs):
    return _convnext((3, 3, 27, 3), (256, 512, 1024, 2048), kwargs)
