# NetLens stub of timm.models.layers: the older import path, re-exporting timm.layers.
from timm.layers import *
from timm.layers import DropPath, LayerNorm2d, LayerScale, Mlp, PatchEmbed, make_divisible, to_2tuple, to_ntuple, trunc_normal_, use_fused_attn
