# NetLens stub of torchvision.ops: the layer building blocks model files import.
from .misc import Conv2dNormActivation, Conv3dNormActivation, ConvNormActivation, FrozenBatchNorm2d, MLP, Permute, SqueezeExcitation
from .stochastic_depth import StochasticDepth, stochastic_depth

__all__ = ["Conv2dNormActivation", "Conv3dNormActivation", "ConvNormActivation", "FrozenBatchNorm2d", "MLP", "Permute",
           "SqueezeExcitation", "StochasticDepth", "stochastic_depth"]
