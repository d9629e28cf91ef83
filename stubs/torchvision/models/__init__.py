# NetLens stub of torchvision.models: the classification zoo (torchvision 0.14 layouts), no weights.
from .resnet import *
from .vgg import *
from .mobilenetv2 import *
from .mobilenetv3 import *
from .efficientnet import *
from .densenet import *
from .convnext import *
from .vision_transformer import *
from .squeezenet import *
from .shufflenetv2 import *
from .googlenet import *
from .inception import *
from .regnet import *
from . import _utils
from ._api import get_model, get_model_builder, get_weight, list_models, Weights, WeightsEnum
