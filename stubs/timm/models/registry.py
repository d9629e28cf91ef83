# NetLens stub of timm's model registry: builders by name, for create_model.

_model_entrypoints = {}


def register_model(fn):
    _model_entrypoints[fn.__name__] = fn
    return fn


def generate_default_cfgs(cfgs):
    return cfgs


def is_model(model_name):
    return model_name in _model_entrypoints


def model_entrypoint(model_name):
    return _model_entrypoints[model_name]


def list_models(filter="", pretrained=False):
    return sorted(_model_entrypoints.keys())
