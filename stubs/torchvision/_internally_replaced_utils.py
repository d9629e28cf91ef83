# NetLens stub: torchvision's download helpers (weights are never loaded).


def load_state_dict_from_url(url, *args, **kwargs):
    return {}
