# NetLens stub of keras.src.applications.imagenet_utils: the input-shape and activation checks the applications
# builders call, written from their documented behaviour; preprocessing and decoding leave the model unchanged.
from keras.src import backend

PREPROCESS_INPUT_DOC = "Preprocesses a tensor or array encoding a batch of images.{mode}{ret}{error}"
PREPROCESS_INPUT_MODE_DOC = ""
PREPROCESS_INPUT_DEFAULT_ERROR_DOC = ""
PREPROCESS_INPUT_ERROR_DOC = ""
PREPROCESS_INPUT_RET_DOC_TF = ""
PREPROCESS_INPUT_RET_DOC_TORCH = ""
PREPROCESS_INPUT_RET_DOC_CAFFE = ""


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten, weights=None):
    """The image shape (no batch axis) a builder uses: the given one, checked, else the default for its weights."""
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in {1, 3}:
            # Keras only warns here: other channel counts are allowed without ImageNet weights.
            pass
        default_shape = (channels, default_size, default_size) if channels_first else (default_size, default_size, channels)
    else:
        default_shape = (3, default_size, default_size) if channels_first else (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be "
                f"{default_shape}. Received: input_shape={input_shape}"
            )
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError(f"`input_shape` must be a tuple of three integers. Received: input_shape={input_shape}")
        channels = input_shape[0] if channels_first else input_shape[-1]
        spatial = input_shape[1:] if channels_first else input_shape[:2]
        if weights == "imagenet" and channels != 3:
            raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
        for size in spatial:
            if size is not None and size < min_size:
                raise ValueError(
                    f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}"
                )
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If `include_top` is True, you should specify a static `input_shape`. "
            f"Received: input_shape={input_shape}"
        )
    return input_shape


def validate_activation(classifier_activation, weights):
    """Pretrained weights need a softmax (or no) activation on the classifier."""
    if weights is None:
        return
    if classifier_activation not in {"softmax", None}:
        raise ValueError(
            "Only `None` and `softmax` activations are allowed for the `classifier_activation` argument when "
            f"using pretrained weights, with `include_top=True`; Received: classifier_activation={classifier_activation}"
        )


def correct_pad(inputs, kernel_size):
    """((top, bottom), (left, right)) zero padding that makes a strided 'valid' convolution see 'same'-like borders."""
    img_dim = 2 if backend.image_data_format() == "channels_first" else 1
    input_size = inputs.shape[img_dim:(img_dim + 2)]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    if input_size[0] is None:
        adjust = (1, 1)
    else:
        adjust = (1 - input_size[0] % 2, 1 - input_size[1] % 2)
    half = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((half[0] - adjust[0], half[0]), (half[1] - adjust[1], half[1]))


def preprocess_input(x, data_format=None, mode="caffe"):
    return x


def decode_predictions(preds, top=5):
    return []
