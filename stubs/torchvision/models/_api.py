# NetLens stub of torchvision.models._api: weight enums that name no weights, and the model registry.

BUILTIN_MODELS = {}


class Weights:
    def __init__(self, url=None, transforms=None, meta=None):
        self.url = url
        self.transforms = transforms
        self.meta = meta


class WeightsEnum:
    IMAGENET1K_V1 = None
    IMAGENET1K_V2 = None
    IMAGENET1K_SWAG_E2E_V1 = None
    IMAGENET1K_SWAG_LINEAR_V1 = None
    DEFAULT = None

    @staticmethod
    def verify(obj):
        return obj


def register_model(name=None):
    def wrapper(fn):
        key = name if name is not None else fn.__name__
        BUILTIN_MODELS[key] = fn
        return fn
    return wrapper


def get_model_builder(name):
    return BUILTIN_MODELS[name.lower()]


def get_model(name, **config):
    return BUILTIN_MODELS[name.lower()](**config)


def get_weight(name):
    return None


def list_models(module=None):
    return sorted(BUILTIN_MODELS.keys())
