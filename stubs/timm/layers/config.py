# NetLens stub of timm.layers.config: attention is written out (its matmuls are counted either way).


def use_fused_attn(experimental=False):
    return False
