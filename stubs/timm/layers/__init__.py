# NetLens stub of timm.layers: the helpers and blocks other repositories import most.
from .helpers import make_divisible, to_1tuple, to_2tuple, to_3tuple, to_4tuple, to_ntuple
from .drop import DropPath, drop_path
from .mlp import Mlp, GluMlp
from .patch_embed import PatchEmbed
from .layer_scale import LayerScale
from .norm import LayerNorm2d
from .config import use_fused_attn
from .weight_init import lecun_normal_, trunc_normal_, trunc_normal_tf_, variance_scaling_
