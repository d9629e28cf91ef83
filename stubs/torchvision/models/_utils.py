# NetLens stub of torchvision.models._utils: channel rounding and the keyword helpers the builders use.


def _make_divisible(v, divisor, min_value=None):
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _ovewrite_named_param(kwargs, param, new_value):
    kwargs[param] = new_value


def _ovewrite_value_param(param, actual, expected):
    return expected if actual is None else actual


def handle_legacy_interface(**weights):
    def wrap(builder):
        return builder
    return wrap


def _builder_kwargs(kwargs):
    """Drops the arguments that only select or download pretrained weights."""
    for unused in ("weights", "progress", "pretrained", "pretrained_backbone", "weights_backbone"):
        kwargs.pop(unused, None)
    return kwargs
